// How numbers from the API read on screen. Times arrive as Unix nanoseconds in decimal strings (beyond 2^53):
// differences are taken with BigInt, then made Numbers.

/**
 * A duration as every view writes it, by the rules of the CLI's and the analyses' HumanText.Duration (one grammar
 * for the tables the server writes and the figures the page writes: a graph label and a table cell about the same
 * p99 read alike): 850ns, 1.5µs, 12.5ms, 454ms, 1.53s, 7m34s, 2h05m — three significant digits at most, trailing
 * zeros dropped; minutes and hours from a minute on. DurationTextUiTests holds the two to the same text.
 */
export function duration(nanos) {
  const n = Math.round(Number(nanos));
  if (n < 0) return `-${duration(-n)}`; // a skewed clock's offset: HumanText writes these through Signed
  if (n < 1e3) return `${n}ns`;
  if (n < 1e6) return scaled(n / 1e3, 'µs');
  if (n < 1e9) return scaled(n / 1e6, 'ms');
  if (n < 60e9) return scaled(n / 1e9, 's');
  const seconds = Math.floor(n / 1e9), minutes = Math.floor(seconds / 60), hours = Math.floor(minutes / 60);
  const two = v => String(v).padStart(2, '0');
  return hours >= 1 ? `${hours}h${two(minutes % 60)}m` : `${minutes}m${two(seconds % 60)}s`;
}

/**
 * At most three significant digits, as HumanText's "0.##", "0.#" and "0": .NET rounds a double's 15 significant
 * digits half away from zero, so 9.995 (stored as 9.99499…) reads 10 there and must here too; trailing zeros go
 * (1.50 → 1.5). `value` is from 1 to 1000.
 */
function scaled(value, unit) {
  const decimals = value < 10 ? 2 : value < 100 ? 1 : 0;
  const [whole, fraction] = value.toPrecision(15).split('.');
  const units = BigInt(whole + fraction.slice(0, decimals)) + (fraction[decimals] >= '5' ? 1n : 0n);
  const digits = units.toString().padStart(decimals + 1, '0');
  const text = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return `${Number(text)}${unit}`;
}

/** A count as people read it, the thousands grouped as the CLI and the analyses write them: 19760 → "19,760". */
export function count(n) {
  return Number(n).toLocaleString('en-US', { maximumFractionDigits: 0 });
}

/** A count with its noun, singular for one: (1, 'span') → "1 span", (1200, 'span') → "1,200 spans". */
export function counted(n, noun) {
  return `${count(n)} ${Number(n) === 1 ? noun : `${noun}s`}`;
}

/**
 * "1764101234000000000" → "2026-11-25 20:07:14.000 UTC": UTC by default, as the CLI and the analyses print times,
 * or the browser's zone when the header's toggle says so; the zone is always written out.
 */
export function time(unixNanos) {
  const date = new Date(Number(BigInt(unixNanos) / 1_000_000n));
  const pad = (v, width = 2) => String(v).padStart(width, '0');
  const utc = showsUtc();
  const [y, mo, d, hh, mm, ss, ms] = utc
    ? [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds()]
    : [date.getFullYear(), date.getMonth(), date.getDate(), date.getHours(), date.getMinutes(), date.getSeconds(), date.getMilliseconds()];
  return `${y}-${pad(mo + 1)}-${pad(d)} ${pad(hh)}:${pad(mm)}:${pad(ss)}.${pad(ms, 3)} ${utc ? 'UTC' : localZone(date)}`;
}

function localZone(date) {
  return new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' }).formatToParts(date).find(p => p.type === 'timeZoneName')?.value ?? 'local';
}

const zoneKey = 'kubetrace.zone';

/** Whether times show in UTC (the default) rather than the browser's zone; the choice is kept in the browser. */
export function showsUtc() {
  return localStorage.getItem(zoneKey) !== 'local';
}

export function setUtc(utc) {
  localStorage.setItem(zoneKey, utc ? 'utc' : 'local');
}

/** Nanoseconds from `from` to `to`, both Unix-nanosecond strings or BigInts. */
export function between(from, to) {
  return Number(BigInt(to) - BigInt(from));
}

/**
 * A colour per service, assigned in the order services first appear on the page (not from a hash of the name, so
 * the first dozen never collide); beyond the palette, hues step by the golden angle, far from those before.
 */
const palette = ['#3b82f6', '#f59e0b', '#10b981', '#ec4899', '#8b5cf6', '#ef4444', '#14b8a6', '#a16207', '#6366f1', '#84cc16', '#f97316', '#0e7490'];
const assigned = new Map();

export function serviceColor(service) {
  if (!assigned.has(service)) {
    const n = assigned.size;
    assigned.set(service, n < palette.length ? palette[n] : `hsl(${Math.round((n * 137.508) % 360)}, 65%, 45%)`);
  }
  return assigned.get(service);
}

// How numbers from the API read on screen. Times arrive as Unix nanoseconds in decimal strings (beyond 2^53):
// differences are taken with BigInt, then made Numbers.

const units = [[1e9, 's'], [1e6, 'ms'], [1e3, 'µs']];

/** 1234567 → "1.23ms". */
export function duration(nanos) {
  const n = Number(nanos);
  for (const [size, unit] of units) {
    if (Math.abs(n) >= size) return `${trim(n / size)}${unit}`;
  }
  return `${Math.round(n)}ns`;
}

function trim(value) {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** A count as people read it, the thousands grouped as the CLI and the analyses write them: 19760 → "19,760". */
export function count(n) {
  return Number(n).toLocaleString('en-US', { maximumFractionDigits: 0 });
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

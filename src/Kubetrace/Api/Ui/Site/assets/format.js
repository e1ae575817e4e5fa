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

/** "1764101234000000000" → local "2026-11-25 20:07:14.000". */
export function time(unixNanos) {
  const date = new Date(Number(BigInt(unixNanos) / 1_000_000n));
  const pad = (v, width = 2) => String(v).padStart(width, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** Nanoseconds from `from` to `to`, both Unix-nanosecond strings or BigInts. */
export function between(from, to) {
  return Number(BigInt(to) - BigInt(from));
}

/** A stable colour per service, so one service looks the same on every page. */
const palette = ['#3b82f6', '#10b981', '#f59e0b', '#8b5cf6', '#ec4899', '#14b8a6', '#f97316', '#6366f1', '#84cc16', '#06b6d4'];

export function serviceColor(service) {
  let hash = 0;
  for (const c of service) hash = (hash * 31 + c.codePointAt(0)) >>> 0;
  return palette[hash % palette.length];
}

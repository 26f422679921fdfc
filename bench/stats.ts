// Small helpers for medians and plain-text tables.

export function median (values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** Median of per-round ratios `a[i] / b[i]`: robust to a whole round being slow or fast. */
export function medianRatio (a: readonly number[], b: readonly number[]): number {
  return median(a.map((value, i) => value / b[i]))
}

export function fixed (value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–'
}

export function thousands (value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–'
}

/** A Markdown table; it also reads well in a terminal. */
export function table (head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = head.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i].length)))
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, i) => i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])).join(' | ')} |`
  const rule = `|${widths.map((width, i) => i === 0 ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`).join('|')}|`
  return [line(head), rule, ...rows.map(line)].join('\n')
}

/** Rotates `items` by `round`, so that no candidate always runs first (or last) in a round. */
export function rotated<T> (items: readonly T[], round: number): T[] {
  const shift = round % items.length
  return [...items.slice(shift), ...items.slice(0, shift)]
}

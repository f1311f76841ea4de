/**
 * A building file line that cannot be used. The message says where and what, as
 * `line 12, column NetworkRange: "33" is not a prefix length for an IPv4 network (0 to 32)`, so an
 * admin can fix the file without guessing; `line` and `column` are kept for callers that want them.
 */
export class BuildingFileError extends Error {
  constructor(
    /** 1-based line of the file, 0 when the problem is the whole file. */
    readonly line: number,
    /** The column's name (`NetworkRange`), or its number past the last named one; null for the whole file. */
    readonly column: string | null,
    /** What was wrong, without the place. */
    readonly problem: string,
  ) {
    super(line > 0 ? `line ${line}${column === null ? '' : `, column ${column}`}: ${problem}` : problem);
    this.name = 'BuildingFileError';
  }
}

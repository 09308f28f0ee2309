// A growing table of strings with each string stored once, as profile.proto's string table:
// index 0 is "".

export class StringTable {
  readonly list: string[];
  private readonly ids = new Map<string, number>();

  /** Starts from an existing table (kept as is, duplicates included), else from [""]. */
  constructor(initial: readonly string[] = ['']) {
    this.list = [...initial];
    this.list.forEach((s, i) => {
      if (!this.ids.has(s)) this.ids.set(s, i);
    });
  }

  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.list.length;
      this.list.push(s);
      this.ids.set(s, id);
    }
    return id;
  }
}

/**
 * Byte-level BPE merge loop over token ids, used by the JS engine in place of
 * @huggingface/tokenizers' own `bpe()` (which builds a `JSON.stringify` key per pair lookup and does
 * not cache words over 256 characters, so long words such as runs of Chinese text were ~5x slower
 * than the Rust library). Same algorithm as Rust `tokenizers` (`Word::merge_all`): repeatedly merge
 * the adjacent pair of lowest merge rank, leftmost first, with a binary heap of (rank, position) and
 * lazy deletion of stale entries. The parity tests against the Rust library check it.
 */

/** Pair key: both ids < 2^21, so `left * 2^21 + right` is an exact double. */
const ID_SPACE = 2 ** 21;
/** Heap priority: rank * 2^32 + position (positions < 2^32, ranks < 2^21: exact doubles). */
const POSITION_SPACE = 2 ** 32;
const CACHE_LIMIT = 20_000;

export class FastBpe {
  /** pair key -> rank * ID_SPACE + merged id */
  private readonly merges = new Map<number, number>();
  private readonly charIds = new Map<string, number>();
  private readonly cache = new Map<string, string[]>();

  /**
   * @param vocab token string -> id (regular vocabulary)
   * @param merges merge rules in rank order, each `[left, right]`
   * @param idToToken id -> token string
   */
  private constructor(
    private readonly vocab: ReadonlyMap<string, number>,
    private readonly idToToken: readonly string[],
  ) {}

  /** Returns undefined when the vocabulary is too large for the id packing (never for Qwen's 151k). */
  static create(
    vocab: ReadonlyMap<string, number>,
    merges: ReadonlyArray<readonly [string, string]>,
    idToToken: readonly string[],
  ): FastBpe | undefined {
    if (idToToken.length >= ID_SPACE || merges.length >= ID_SPACE) return undefined;
    const bpe = new FastBpe(vocab, idToToken);
    merges.forEach(([left, right], rank) => {
      const a = vocab.get(left);
      const b = vocab.get(right);
      const merged = vocab.get(left + right);
      // A rule whose parts or result are not in the vocabulary can never apply (Rust rejects such files).
      if (a === undefined || b === undefined || merged === undefined) return;
      const key = a * ID_SPACE + b;
      if (!bpe.merges.has(key)) bpe.merges.set(key, rank * ID_SPACE + merged);
    });
    return bpe;
  }

  /** BPE of one pre-token (a byte-level string): the token strings, or undefined if a character has no id. */
  bpe(word: string): string[] | undefined {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const n = word.length;
    const ids = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const ch = word[i]!;
      let id = this.charIds.get(ch);
      if (id === undefined) {
        id = this.vocab.get(ch);
        if (id === undefined) return undefined;
        this.charIds.set(ch, id);
      }
      ids[i] = id;
    }
    const result = this.mergeAll(ids);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(word, result);
    return result;
  }

  private mergeAll(ids: Int32Array): string[] {
    const n = ids.length;
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    const heap: number[] = [];
    const push = (priority: number) => {
      let i = heap.length;
      heap.push(priority);
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (heap[parent]! <= priority) break;
        heap[i] = heap[parent]!;
        i = parent;
      }
      heap[i] = priority;
    };
    const pop = (): number => {
      const top = heap[0]!;
      const last = heap.pop()!;
      if (heap.length > 0) {
        let i = 0;
        const size = heap.length;
        for (;;) {
          const l = 2 * i + 1;
          if (l >= size) break;
          const r = l + 1;
          const child = r < size && heap[r]! < heap[l]! ? r : l;
          if (heap[child]! >= last) break;
          heap[i] = heap[child]!;
          i = child;
        }
        heap[i] = last;
      }
      return top;
    };
    const pairRank = (pos: number): number => {
      const right = next[pos]!;
      if (right < 0) return -1;
      const entry = this.merges.get(ids[pos]! * ID_SPACE + ids[right]!);
      return entry === undefined ? -1 : Math.floor(entry / ID_SPACE);
    };
    for (let i = 0; i + 1 < n; i++) {
      const rank = pairRank(i);
      if (rank >= 0) push(rank * POSITION_SPACE + i);
    }
    while (heap.length > 0) {
      const top = pop();
      const rank = Math.floor(top / POSITION_SPACE);
      const pos = top - rank * POSITION_SPACE;
      // Stale entry: the symbol was merged away, or its pair changed since it was queued.
      if (ids[pos]! < 0 || pairRank(pos) !== rank) continue;
      const right = next[pos]!;
      const entry = this.merges.get(ids[pos]! * ID_SPACE + ids[right]!)!;
      ids[pos] = entry - rank * ID_SPACE;
      ids[right] = -1;
      next[pos] = next[right]!;
      if (next[pos]! >= 0) prev[next[pos]!] = pos;
      const before = prev[pos]!;
      if (before >= 0) {
        const r = pairRank(before);
        if (r >= 0) push(r * POSITION_SPACE + before);
      }
      const r = pairRank(pos);
      if (r >= 0) push(r * POSITION_SPACE + pos);
    }
    const out: string[] = [];
    for (let i = 0; i >= 0 && i < n; i = next[i]!) out.push(this.idToToken[ids[i]!]!);
    return out;
  }
}

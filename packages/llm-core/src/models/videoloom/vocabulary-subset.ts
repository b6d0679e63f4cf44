import { ModelConfigError } from '../../errors/index.js';

/**
 * A small model's vocabulary subset (model reference section 14): embedding and head rows exist only
 * for the token ids in `tokenIds`; every other id is read as the `unknownRow`. Row r stands for token
 * id `tokenIds[r]`. Without a subset, rows and token ids coincide.
 */
export class VocabularySubset {
  private readonly rowByTokenId = new Map<number, number>();

  constructor(
    /** int32 `[R]`: the token id of each embedding row (distinct). */
    readonly tokenIds: Int32Array,
    /** The row unknown ids map to; generating it yields `tokenIds[unknownRow]`. */
    readonly unknownRow: number,
  ) {
    if (!(Number.isInteger(unknownRow) && unknownRow >= 0 && unknownRow < tokenIds.length)) {
      throw new ModelConfigError(
        'vocabularySubset.unknownRow',
        `a row in [0, ${tokenIds.length})`,
        unknownRow,
      );
    }
    tokenIds.forEach((id, row) => {
      if (this.rowByTokenId.has(id))
        throw new ModelConfigError('vocabularySubset.tokenIds', 'distinct token ids', id);
      this.rowByTokenId.set(id, row);
    });
  }

  /** Number of rows R (the model's embedding row count). */
  get size(): number {
    return this.tokenIds.length;
  }

  /** Row of a token id (`unknownRow` for ids outside the subset). */
  rowOf(tokenId: number): number {
    return this.rowByTokenId.get(tokenId) ?? this.unknownRow;
  }

  /** Token id of a row (e.g. an argmax over logits). */
  tokenIdOf(row: number): number {
    const id = this.tokenIds[row];
    if (id === undefined) throw new ModelConfigError('row', `a row in [0, ${this.tokenIds.length})`, row);
    return id;
  }

  /** Maps a whole id sequence to rows; `-100` (ignored labels) is kept as is. */
  rowsOf(tokenIds: ArrayLike<number>): Int32Array {
    return Int32Array.from(tokenIds as ArrayLike<number>, (id) => (id === -100 ? -100 : this.rowOf(id)));
  }
}

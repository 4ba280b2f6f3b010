/**
 * Status sequence numbers reserved from Redis a block at a time and handed out by this instance,
 * so a mint does not wait for the shared allocation counter. The next block is fetched when half
 * of the current one is used; numbers left over when the process ends are never handed out
 * (a status entry nobody holds). A block belongs to one epoch and is dropped when it changes.
 *
 * @example
 * ```ts
 * const blocks = createSequenceBlocks(64, (count) => nextSequence(epochId, count));
 * const seq = await blocks.next(epochId);
 * ```
 * @module
 */

/** Hands out sequence numbers from reserved blocks. */
export interface SequenceBlocks {
  /** The next sequence number of `epoch` (reserving a block first when none is left). */
  next(epoch: string): Promise<number>;
}

interface Block {
  readonly epoch: string;
  next: number;
  readonly last: number;
}

interface PendingBlock {
  readonly epoch: string;
  readonly block: Promise<Block>;
}

/**
 * Creates the allocator. `reserve(epoch, count)` reserves `count` numbers in the store and
 * returns the last of them.
 *
 * @example
 * ```ts
 * const blocks = createSequenceBlocks(64, (epoch, count) => store.reserve(epoch, count));
 * ```
 */
export function createSequenceBlocks(
  size: number,
  reserve: (epoch: string, count: number) => Promise<number>,
): SequenceBlocks {
  let current: Block | undefined;
  let ahead: PendingBlock | undefined;

  function fetchBlock(epoch: string): PendingBlock {
    const block = reserve(epoch, size).then((last) => ({ epoch, next: last - size + 1, last }));
    // A block fetched ahead may fail with nobody waiting yet; whoever needs it sees the error.
    block.catch(() => undefined);
    return { epoch, block };
  }

  return {
    async next(epoch) {
      for (;;) {
        if (current && current.epoch !== epoch) current = undefined;
        if (ahead && ahead.epoch !== epoch) ahead = undefined;
        if (current && current.next <= current.last) {
          const seq = current.next++;
          if (!ahead && current.last - current.next + 1 < size / 2) ahead = fetchBlock(epoch);
          return seq;
        }
        const pending = ahead ?? fetchBlock(epoch);
        ahead = pending;
        try {
          const block = await pending.block;
          if (!current || current.next > current.last) current = block;
        } finally {
          if (ahead === pending) ahead = undefined;
        }
      }
    },
  };
}

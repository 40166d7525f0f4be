import type { Entry } from './operations.js';

/**
 * The top of a board as an ordered list, one row per user, kept across
 * updates so a user who moves is animated to the new place (FLIP: measure,
 * reorder, play the difference back) and marked up or down.
 */
export class BoardView {
  private readonly rows = new Map<string, HTMLLIElement>();
  private readonly ranks = new Map<string, number>();

  constructor(
    private readonly list: HTMLOListElement,
    private viewerId: string | null = null,
  ) {}

  /** Marks the signed-in user's row. */
  setViewer(userId: string | null): void {
    this.viewerId = userId;
    for (const [id, row] of this.rows) row.classList.toggle('me', id === userId);
  }

  /** Forgets every row (another board). */
  clear(): void {
    this.rows.clear();
    this.ranks.clear();
    this.list.replaceChildren();
  }

  show(entries: readonly Entry[]): void {
    const before = new Map([...this.rows].map(([id, row]) => [id, row.getBoundingClientRect().top]));
    const shown = new Set(entries.map((entry) => entry.user.id));
    for (const [id, row] of this.rows) {
      if (shown.has(id)) continue;
      row.remove();
      this.rows.delete(id);
      this.ranks.delete(id);
    }
    for (const entry of entries) {
      const row = this.rowFor(entry);
      const previous = this.ranks.get(entry.user.id);
      this.fill(row, entry, previous);
      this.ranks.set(entry.user.id, entry.rank);
      this.list.append(row);
    }
    for (const [id, row] of this.rows) {
      const top = before.get(id);
      if (top === undefined) {
        row.animate([{ opacity: 0 }, { opacity: 1 }], { duration: 400 });
        continue;
      }
      const moved = top - row.getBoundingClientRect().top;
      if (moved !== 0) row.animate([{ transform: `translateY(${moved}px)` }, { transform: 'none' }], { duration: 500, easing: 'ease-out' });
    }
  }

  private rowFor(entry: Entry): HTMLLIElement {
    let row = this.rows.get(entry.user.id);
    if (!row) {
      row = document.createElement('li');
      row.dataset.userId = entry.user.id;
      for (const part of ['rank', 'name', 'move', 'score']) row.append(Object.assign(document.createElement('span'), { className: part }));
      row.classList.toggle('me', entry.user.id === this.viewerId);
      this.rows.set(entry.user.id, row);
    }
    return row;
  }

  private fill(row: HTMLLIElement, entry: Entry, previousRank: number | undefined): void {
    const [rank, name, move, score] = [...row.children] as HTMLSpanElement[];
    if (!rank || !name || !move || !score) return;
    rank.textContent = `#${entry.rank}`;
    name.textContent = entry.user.displayName;
    if (score.textContent !== String(entry.score)) {
      if (score.textContent) row.animate([{ backgroundColor: 'var(--flash)' }, { backgroundColor: 'transparent' }], { duration: 900 });
      score.textContent = String(entry.score);
    }
    if (previousRank === undefined || previousRank === entry.rank) return;
    const up = entry.rank < previousRank;
    move.textContent = `${up ? '▲' : '▼'}${Math.abs(previousRank - entry.rank)}`;
    move.className = `move ${up ? 'up' : 'down'}`;
  }
}

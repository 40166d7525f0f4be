import type { Standing } from './operations.js';

/**
 * "My standing" on the board shown, and the overtake notice: the standing
 * events of `myStanding` arrive when the viewer's own score changes and when
 * someone passes them; a worse rank with the same score is an overtake.
 */
export class StandingView {
  private last: Standing | null = null;

  constructor(
    private readonly line: HTMLElement,
    private readonly notice: HTMLElement,
  ) {}

  reset(): void {
    this.last = null;
    this.line.textContent = 'Not on this board yet: earn a point to join it.';
    this.notice.textContent = '';
  }

  show(standing: Standing | null): void {
    const previous = this.last;
    this.last = standing;
    if (!standing) return this.reset();
    this.line.textContent = `#${standing.rank} with ${standing.score} points`;
    if (previous && standing.rank > previous.rank && standing.score === previous.score) {
      // Who passed is not named: the board's own update may arrive before or after this event.
      this.notice.textContent = `Overtaken! You are #${standing.rank} now (were #${previous.rank}).`;
      this.notice.animate([{ backgroundColor: 'var(--alert)' }, { backgroundColor: 'transparent' }], { duration: 1500 });
    }
  }
}

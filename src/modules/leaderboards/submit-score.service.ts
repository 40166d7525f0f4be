import type { Deps } from '../../lib/app-deps.js';
import { replaceUserStateVersion } from '../../lib/user-state-version.js';
import { publishStanding } from './board-sync.js';
import { applySubmission, type ScoreInput, type SubmissionOutcome } from './submit-score.js';

type SubmitScoreDeps = Pick<Deps, 'db' | 'config' | 'now' | 'redis' | 'keys' | 'logger' | 'boardCache' | 'pubsub'>;

/**
 * Records a score on a SUBMITTED board (see {@link applySubmission}) and puts
 * the committed standing on its Redis board. A repeated key returns the first
 * outcome and publishes nothing. If Redis is unreachable the score still
 * counts: `publishStanding` never throws, and leaderboard.sync repairs the board.
 */
export async function submitScore(deps: SubmitScoreDeps, input: ScoreInput): Promise<SubmissionOutcome> {
  const outcome = await applySubmission(deps, input);
  if (!outcome.standing) return outcome;
  // Committed: the user's cached own answers (`myPoints` of this board, on every instance) are not matched again.
  await replaceUserStateVersion(deps, outcome.standing.userId);
  await publishStanding(deps, outcome.standing);
  return outcome;
}

import { describe, expect, it } from 'vitest';
import {
  crossedBoundaries,
  nextTimeStep,
  pendingBoundaries,
  seatStatus,
  timeOrderProblems,
  type ActivityStatus,
} from '../../src/modules/activities/lifecycle.js';

const times = {
  signupStartsAt: new Date('2026-05-01T10:00:00Z'),
  signupEndsAt: new Date('2026-05-02T10:00:00Z'),
  startsAt: new Date('2026-05-03T10:00:00Z'),
  endsAt: new Date('2026-05-03T12:00:00Z'),
};

/** Applies nextTimeStep until nothing is due, as the walk does. */
function walk(status: ActivityStatus, now: Date): string[] {
  const steps: string[] = [];
  for (let step = nextTimeStep({ status, ...times }, now); step; step = nextTimeStep({ status, ...times }, now)) {
    steps.push(`${step.from}->${step.to}`);
    status = step.to;
  }
  return steps;
}

describe('nextTimeStep', () => {
  it('takes one step per boundary crossed, in order, never skipping one', () => {
    expect(walk('UPCOMING', new Date('2026-05-01T09:59:59Z'))).toEqual([]);
    expect(walk('UPCOMING', times.signupStartsAt)).toEqual(['UPCOMING->SIGNUP_OPEN']);
    expect(walk('UPCOMING', new Date('2026-05-03T11:00:00Z'))).toEqual(['UPCOMING->SIGNUP_OPEN', 'SIGNUP_OPEN->SIGNUP_CLOSED', 'SIGNUP_CLOSED->ONGOING']);
    expect(walk('FULL', new Date('2026-06-01T00:00:00Z'))).toEqual(['FULL->SIGNUP_CLOSED', 'SIGNUP_CLOSED->ONGOING', 'ONGOING->ENDED']);
  });

  it('never moves a draft, an ended or a cancelled activity', () => {
    const later = new Date('2030-01-01T00:00:00Z');
    for (const status of ['DRAFT', 'ENDED', 'CANCELLED'] as const) expect(nextTimeStep({ status, ...times }, later)).toBeNull();
  });

  it('dates each step at its boundary, not at the time it runs', () => {
    expect(nextTimeStep({ status: 'ONGOING', ...times }, new Date('2030-01-01T00:00:00Z'))!.at).toEqual(times.endsAt);
  });
});

describe('boundaries', () => {
  it('tells crossed (frozen) boundaries from pending ones', () => {
    expect(crossedBoundaries('UPCOMING')).toEqual([]);
    expect(pendingBoundaries('FULL')).toEqual(['signupEndsAt', 'startsAt', 'endsAt']);
    expect(crossedBoundaries('SIGNUP_CLOSED')).toEqual(['signupStartsAt', 'signupEndsAt']);
    expect(pendingBoundaries('ONGOING')).toEqual(['endsAt']);
    expect(pendingBoundaries('CANCELLED')).toEqual([]);
  });

  it('checks signupStartsAt < signupEndsAt <= startsAt < endsAt, naming the fields', () => {
    expect(timeOrderProblems(times)).toEqual([]);
    expect(timeOrderProblems({ ...times, startsAt: times.signupEndsAt })).toEqual([]);
    expect(timeOrderProblems({ ...times, signupEndsAt: times.signupStartsAt })).toEqual(['signupEndsAt must be after signupStartsAt']);
    expect(timeOrderProblems({ ...times, endsAt: times.startsAt })).toEqual(['endsAt must be after startsAt']);
    expect(timeOrderProblems({ signupEndsAt: times.endsAt, startsAt: times.startsAt })).toEqual(['startsAt must not be before signupEndsAt']);
  });
});

describe('seatStatus', () => {
  it('is FULL exactly when the seats are taken, only while sign-ups are open', () => {
    expect(seatStatus('SIGNUP_OPEN', 3, 3)).toBe('FULL');
    expect(seatStatus('FULL', 2, 3)).toBe('SIGNUP_OPEN');
    expect(seatStatus('FULL', 3, null)).toBe('SIGNUP_OPEN');
    expect(seatStatus('SIGNUP_CLOSED', 3, 3)).toBe('SIGNUP_CLOSED');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import {
  isSeasonId,
  localDay,
  nextSeasonId,
  previousDay,
  previousSeasonId,
  seasonBounds,
  seasonIdAt,
  seasonName,
} from '../../src/lib/calendar.js';

const SHANGHAI = 'Asia/Shanghai';
const NEW_YORK = 'America/New_York';
const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);

describe('localDay and seasonIdAt', () => {
  // Local 2026-11-30T23:59:59.999 and 2026-12-01T00:00:00.000 in Shanghai (UTC+8).
  const lastMs = at('2026-11-30T23:59:59.999+08:00');
  const firstMs = at('2026-12-01T00:00:00.000+08:00');

  it('puts the last and first millisecond of a Shanghai month in different days and seasons', () => {
    expect(lastMs.toISOString()).toBe('2026-11-30T15:59:59.999Z');
    expect(firstMs.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(localDay(lastMs, SHANGHAI)).toBe('2026-11-30');
    expect(localDay(firstMs, SHANGHAI)).toBe('2026-12-01');
    expect(seasonIdAt(lastMs, SHANGHAI)).toBe('2026-11');
    expect(seasonIdAt(firstMs, SHANGHAI)).toBe('2026-12');
  });

  it('reads the same instants in UTC as the UTC calendar says', () => {
    expect(localDay(lastMs, 'UTC')).toBe('2026-11-30');
    expect(localDay(firstMs, 'UTC')).toBe('2026-11-30');
    expect(seasonIdAt(firstMs, 'UTC')).toBe('2026-11');
    expect(localDay(at('2026-11-30T23:59:59.999Z'), 'UTC')).toBe('2026-11-30');
    expect(localDay(at('2026-12-01T00:00:00.000Z'), 'UTC')).toBe('2026-12-01');
    expect(seasonIdAt(at('2026-12-01T00:00:00.000Z'), 'UTC')).toBe('2026-12');
  });

  describe('with a different server zone', () => {
    const originalTz = process.env.TZ;
    afterEach(() => {
      if (originalTz === undefined) delete process.env.TZ;
      else process.env.TZ = originalTz;
    });

    it('ignores the process time zone', () => {
      process.env.TZ = 'Pacific/Kiritimati'; // UTC+14: every date above differs locally
      expect(new Date('2026-11-30T15:59:59.999Z').getDate()).toBe(1);
      expect(localDay(lastMs, SHANGHAI)).toBe('2026-11-30');
      expect(seasonIdAt(lastMs, 'UTC')).toBe('2026-11');
      expect(seasonBounds('2026-12', SHANGHAI).startsAt.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    });
  });

  it('rejects unknown zones and invalid dates', () => {
    expect(() => localDay(firstMs, 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => localDay(new Date(Number.NaN), 'UTC')).toThrow(RangeError);
  });
});

describe('seasonBounds', () => {
  it('starts and ends a Shanghai season at local midnight', () => {
    const bounds = seasonBounds('2026-12', SHANGHAI);
    expect(bounds.startsAt.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(bounds.endsAt.toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(seasonIdAt(new Date(bounds.startsAt.getTime() - 1), SHANGHAI)).toBe('2026-11');
    expect(seasonIdAt(bounds.startsAt, SHANGHAI)).toBe('2026-12');
    expect(seasonIdAt(new Date(bounds.endsAt.getTime() - 1), SHANGHAI)).toBe('2026-12');
    expect(seasonIdAt(bounds.endsAt, SHANGHAI)).toBe('2027-01');
  });

  it('uses UTC midnights in UTC', () => {
    expect(seasonBounds('2026-11', 'UTC')).toEqual({
      startsAt: at('2026-11-01T00:00:00.000Z'),
      endsAt: at('2026-12-01T00:00:00.000Z'),
    });
  });

  it('follows the March DST change in New York (EST → EDT)', () => {
    const march = seasonBounds('2026-03', NEW_YORK);
    expect(march.startsAt.toISOString()).toBe('2026-03-01T05:00:00.000Z');
    expect(march.endsAt.toISOString()).toBe('2026-04-01T04:00:00.000Z');
    expect(march.endsAt.getTime() - march.startsAt.getTime()).toBe(31 * 24 * HOUR - HOUR);
  });

  it('follows the November DST change in New York (EDT → EST)', () => {
    const november = seasonBounds('2026-11', NEW_YORK);
    expect(november.startsAt.toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(november.endsAt.toISOString()).toBe('2026-12-01T05:00:00.000Z');
    expect(november.endsAt.getTime() - november.startsAt.getTime()).toBe(30 * 24 * HOUR + HOUR);
    expect(seasonBounds('2026-10', NEW_YORK).endsAt).toEqual(november.startsAt);
  });

  it('wraps the year', () => {
    expect(nextSeasonId('2026-12')).toBe('2027-01');
    expect(previousSeasonId('2027-01')).toBe('2026-12');
    expect(nextSeasonId('2026-09')).toBe('2026-10');
    expect(previousSeasonId('2026-10')).toBe('2026-09');
    const december = seasonBounds('2026-12', NEW_YORK);
    expect(december.endsAt).toEqual(seasonBounds('2027-01', NEW_YORK).startsAt);
    expect(december.endsAt.toISOString()).toBe('2027-01-01T05:00:00.000Z');
  });

  it('names seasons', () => {
    expect(seasonName('2026-11')).toBe('November 2026');
    expect(seasonName('2027-01')).toBe('January 2027');
  });
});

describe('previousDay', () => {
  it('steps over month, year and leap-day boundaries', () => {
    expect(previousDay('2026-11-15')).toBe('2026-11-14');
    expect(previousDay('2027-01-01')).toBe('2026-12-31');
    expect(previousDay('2026-03-01')).toBe('2026-02-28');
    expect(previousDay('2028-03-01')).toBe('2028-02-29');
  });
});

describe('validation', () => {
  it.each(['2026-13', '2026-00', '2026-1', '26-11', '2026-11-01', ' 2026-11', '2026-11\n', '2026/11', ''])(
    'rejects season id %j',
    (id) => {
      expect(isSeasonId(id)).toBe(false);
      expect(() => seasonBounds(id, 'UTC')).toThrow(RangeError);
      expect(() => seasonName(id)).toThrow(RangeError);
      expect(() => nextSeasonId(id)).toThrow(RangeError);
    },
  );

  it('accepts every month of a year', () => {
    for (let month = 1; month <= 12; month += 1) {
      expect(isSeasonId(`2026-${String(month).padStart(2, '0')}`)).toBe(true);
    }
  });

  it.each(['2026-02-29', '2026-04-31', '2026-11-00', '2026-11-1', '2026-13-01'])('rejects day %j', (day) => {
    expect(() => previousDay(day)).toThrow(RangeError);
  });

  it('rejects an unknown zone for bounds', () => {
    expect(() => seasonBounds('2026-11', 'Not/AZone')).toThrow(RangeError);
  });
});

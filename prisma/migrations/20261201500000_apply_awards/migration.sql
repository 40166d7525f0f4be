-- Group commit for awards (docs/benchmarks.md, "Awards: group commit"):
-- apply_awards applies a batch of awards in one statement, one transaction,
-- one commit. Every award goes through it, alone or batched
-- (points.service.ts); it is the one implementation of the award's writes.
--
-- `awards` is a JSON array of objects built by points.service.ts (awardJson):
-- the award as asked, plus what TypeScript computes from the event time and
-- the rules (local day, season, the `points` board's period ref, the period
-- ids and bounds of the DAILY/WEEKLY/MONTHLY boards, the type's daily cap,
-- and which checks apply). One row comes back per award, `award_index` being
-- its position in the array:
--   'applied'   the record written, its standings (`changes`, JSON) and the
--               board periods it created;
--   'refused'   nothing written: unknown user, a positive amount to a
--               suspended user, or an adjustment beyond the season total's
--               bound (the caller reads which, and whether the key was used);
--   'duplicate' nothing written: the key was used (by a committed award, by
--               one of this batch, or by a concurrent one that then committed).
--
-- Awards are applied in user id order (arrival order within a user), so
-- concurrent batches take user rows' locks in one order. Each award takes its
-- key first (ON CONFLICT DO NOTHING: a used key writes nothing else and needs
-- no subtransaction), then the day's counter, then its standings in ref
-- order. Any other error fails the whole batch; the caller then runs its
-- awards one by one, so only the failing one fails (as it did alone).
CREATE FUNCTION apply_awards(awards jsonb)
RETURNS TABLE (award_index int, outcome text, id bigint, user_id int, type "PointsType", requested int, points int,
               season_id text, day date, occurred_at timestamptz, reason text, activity_id int, created_by int,
               changes json, new_periods text[])
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  a record;
  granted int;
  record_no bigint;
  points_seq bigint;
BEGIN
  FOR a IN
    SELECT * FROM jsonb_to_recordset(awards) AS x(
      i int, user_id int, type "PointsType", points int, key text, season text, day date, occurred_at timestamptz,
      reason text, activity_id int, participation_id int, created_by int,
      -- 'capped' (through the day's counter), 'reversal' (clamped at the season total), or 'plain'
      kind text, cap int, check_suspended boolean, bound bigint, points_ref text,
      daily text, daily_start timestamptz, daily_end timestamptz,
      weekly text, weekly_start timestamptz, weekly_end timestamptz,
      monthly text, monthly_start timestamptz, monthly_end timestamptz)
    ORDER BY x.user_id, x.i
  LOOP
    award_index := a.i;
    id := NULL; user_id := NULL; type := NULL; requested := NULL; points := NULL; season_id := NULL; day := NULL;
    occurred_at := NULL; reason := NULL; activity_id := NULL; created_by := NULL; changes := NULL; new_periods := NULL;

    -- Refusals, checked before anything is written. An automatic reversal is never refused.
    IF a.kind <> 'reversal' AND NOT (
         EXISTS (SELECT 1 FROM users u WHERE u.id = a.user_id AND (NOT a.check_suspended OR u.suspended_at IS NULL))
         AND (a.bound IS NULL
              OR abs(COALESCE((SELECT s.score FROM board_standings s WHERE s.period_ref = a.points_ref AND s.user_id = a.user_id), 0)
                     + a.points::bigint) <= a.bound)) THEN
      outcome := 'refused';
      RETURN NEXT;
      CONTINUE;
    END IF;

    -- The key, first: a used one (even by an uncommitted award, which this waits for) changes nothing.
    record_no := nextval('points_records_id_seq');
    INSERT INTO points_idempotency_keys (idempotency_key, record_id, season_id) VALUES (a.key, record_no, a.season)
    ON CONFLICT (idempotency_key) DO NOTHING;
    IF NOT FOUND THEN
      outcome := 'duplicate';
      RETURN NEXT;
      CONTINUE;
    END IF;

    -- What may be granted: under the day's counter lock for a capped type (the
    -- arithmetic of points-rules.ts cappedPoints / cappedPointsSql); at most
    -- the season total, under the standing's lock, and nothing from a sealed
    -- season for an automatic reversal; otherwise all of it.
    IF a.kind = 'capped' THEN
      INSERT INTO daily_points AS d (user_id, day, type, points, last_granted)
      VALUES (a.user_id, a.day, a.type, LEAST(a.points, GREATEST(a.cap, 0)), LEAST(a.points, GREATEST(a.cap, 0)))
      ON CONFLICT (user_id, day, type) DO UPDATE
        SET points = d.points + LEAST(a.points, GREATEST(a.cap - d.points, 0)),
            last_granted = LEAST(a.points, GREATEST(a.cap - d.points, 0))
      RETURNING d.last_granted INTO granted;
    ELSIF a.kind = 'reversal' THEN
      IF EXISTS (SELECT 1 FROM board_periods p WHERE p.ref = a.points_ref AND p.state <> 'CURRENT') THEN
        granted := 0;
      ELSE
        granted := GREATEST(a.points::bigint, -GREATEST(COALESCE(
          (SELECT s.score FROM board_standings s WHERE s.period_ref = a.points_ref AND s.user_id = a.user_id FOR UPDATE), 0), 0))::int;
      END IF;
    ELSE
      granted := a.points;
    END IF;

    -- Every POINTS board the award feeds (active, taking its type; global, of
    -- its activity's category, or of its activity unless it is the hosting
    -- award), the period of the event time on each (created by its first
    -- award), and the standing there: score plus the grant, with a fresh
    -- board_seq taken while holding the standing's row lock, so per user and
    -- board the seqs follow commit order. Rows are written in ref order. A
    -- grant of 0 is recorded but leaves the boards alone.
    points_seq := NULL;
    IF granted <> 0 THEN
      WITH boards AS (
        SELECT b.id, b.sort_order, b.period, b.created_at,
               b.key || '/' || CASE b.period WHEN 'DAILY' THEN a.daily WHEN 'WEEKLY' THEN a.weekly
                                             WHEN 'MONTHLY' THEN a.monthly ELSE 'all' END AS ref
        FROM leaderboards b
        WHERE b.source = 'POINTS' AND b.state = 'ACTIVE'
          AND (cardinality(b.point_types) = 0 OR a.type = ANY(b.point_types))
          AND (b.scope = 'GLOBAL'
               OR (b.scope = 'CATEGORY' AND b.category = (SELECT act.category FROM activities act WHERE act.id = a.activity_id))
               OR (b.scope = 'ACTIVITY' AND b.activity_id = a.activity_id AND a.type <> 'HOST_ACTIVITY'))
      ),
      periods AS (
        INSERT INTO board_periods (ref, board_id, period_id, starts_at, ends_at)
        SELECT boards.ref, boards.id, substr(boards.ref, length(boards.ref) - position('/' IN reverse(boards.ref)) + 2),
               CASE boards.period WHEN 'DAILY' THEN a.daily_start WHEN 'WEEKLY' THEN a.weekly_start
                                  WHEN 'MONTHLY' THEN a.monthly_start ELSE boards.created_at END,
               CASE boards.period WHEN 'DAILY' THEN a.daily_end WHEN 'WEEKLY' THEN a.weekly_end
                                  WHEN 'MONTHLY' THEN a.monthly_end END
        FROM boards
        ON CONFLICT DO NOTHING
        RETURNING ref
      ),
      standing AS (
        INSERT INTO board_standings AS s (period_ref, user_id, score, ranked, seq, version)
        SELECT boards.ref, a.user_id, granted, true, nextval('board_seq'), 1
        FROM boards ORDER BY boards.ref
        ON CONFLICT (period_ref, user_id) DO UPDATE
          SET score = s.score + excluded.score, ranked = s.score + excluded.score <> 0, seq = nextval('board_seq'),
              version = s.version + 1, updated_at = now()
        RETURNING s.period_ref, s.score, s.ranked, s.seq, s.version
      )
      SELECT (SELECT json_agg(json_build_object('ref', st.period_ref, 'order', boards.sort_order, 'score', st.score::text,
                                                'ranked', st.ranked, 'seq', st.seq::text, 'version', st.version) ORDER BY st.period_ref)
              FROM standing st JOIN boards ON boards.ref = st.period_ref),
             (SELECT array_agg(periods.ref) FROM periods),
             (SELECT st.seq FROM standing st WHERE st.period_ref = a.points_ref)
      INTO changes, new_periods, points_seq;
    END IF;

    -- The record, under the id its key already names.
    INSERT INTO points_records AS r (id, user_id, type, requested, points, seq, idempotency_key, season_id, day, occurred_at,
                                     reason, activity_id, participation_id, created_by)
    VALUES (record_no, a.user_id, a.type, a.points, granted, points_seq, a.key, a.season, a.day, a.occurred_at,
            a.reason, a.activity_id, a.participation_id, a.created_by)
    RETURNING r.id, r.user_id, r.type, r.requested, r.points, r.season_id, r.day, r.occurred_at, r.reason, r.activity_id, r.created_by
    INTO id, user_id, type, requested, points, season_id, day, occurred_at, reason, activity_id, created_by;
    outcome := 'applied';
    RETURN NEXT;
  END LOOP;
END
$$;

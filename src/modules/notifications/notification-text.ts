/**
 * The title and body a notification is stored with, rendered when it is
 * written: an activity may be renamed later, the inbox keeps what was said.
 */

const TITLE_MAX = 200;
const BODY_MAX = 1000;

/** A time as people of APP_TIMEZONE read it, e.g. "Sat, 9 May 2026, 10:00". */
export function formatTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(at);
}

/** Cuts text to a column's length (with an ellipsis) so a long activity title never fails an insert. */
function fit(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Title and body of one notification. */
export interface NotificationText {
  title: string;
  body: string;
}

function text(title: string, body: string): NotificationText {
  return { title: fit(title, TITLE_MAX), body: fit(body, BODY_MAX) };
}

export function cancelledText(activityTitle: string, reason: string | null): NotificationText {
  return text(`Cancelled: ${activityTitle}`, reason ? `"${activityTitle}" was cancelled: ${reason}` : `"${activityTitle}" was cancelled.`);
}

export function rescheduledText(activityTitle: string, startsAt: Date, endsAt: Date, timeZone: string): NotificationText {
  return text(`Rescheduled: ${activityTitle}`, `"${activityTitle}" now runs from ${formatTime(startsAt, timeZone)} to ${formatTime(endsAt, timeZone)}.`);
}

export function promotedText(activityTitle: string): NotificationText {
  return text(`You got a seat: ${activityTitle}`, `A seat opened in "${activityTitle}" and it is yours now.`);
}

export function fullText(activityTitle: string): NotificationText {
  return text(`Your activity is full: ${activityTitle}`, `Every seat of "${activityTitle}" is taken.`);
}

/** The body is per member (their rank and score); the title is shared. */
export function seasonTitle(seasonId: string): string {
  return fit(`Season ${seasonId} has ended`, TITLE_MAX);
}

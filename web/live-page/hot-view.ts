import type { HotList } from './operations.js';

/** The hot activities, hottest first. */
export function showHot(list: HTMLOListElement, hot: HotList): void {
  list.replaceChildren(
    ...hot.entries.map((entry) => {
      const row = document.createElement('li');
      const title = Object.assign(document.createElement('span'), { className: 'name', textContent: entry.activity.title });
      const category = Object.assign(document.createElement('span'), { className: 'category', textContent: entry.activity.category });
      const heat = Object.assign(document.createElement('span'), { className: 'score', textContent: entry.score.toFixed(2) });
      row.append(title, category, heat);
      return row;
    }),
  );
  if (hot.entries.length === 0) list.append(Object.assign(document.createElement('li'), { className: 'empty', textContent: 'Nothing hot yet.' }));
}

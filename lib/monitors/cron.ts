/**
 * A minimal five-field cron parser (minute hour day-of-month month
 * day-of-week), evaluated in UTC. Fields take `*`, numbers, ranges `a-b`,
 * lists `a,b`, steps `* /n` and `a-b/n` (written without the space), and the
 * names jan…dec / sun…sat; day-of-week 7 is Sunday too. As in Vixie cron, when
 * both day-of-month and day-of-week are restricted a day matches either.
 */
export type CronSchedule = {
  source: string;
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
  domRestricted: boolean;
  dowRestricted: boolean;
};

export class CronError extends Error {}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

function parseValue(raw: string, names: string[] | null, offset: number, field: string): number {
  const lower = raw.toLowerCase();
  if (names) {
    const i = names.indexOf(lower);
    if (i >= 0) return i + offset;
  }
  if (!/^\d+$/.test(raw)) throw new CronError(`${field}: "${raw}" is not a number`);
  return Number(raw);
}

function parseField(text: string, min: number, max: number, field: string, names: string[] | null = null, nameOffset = 0): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(",")) {
    if (part === "") throw new CronError(`${field}: empty list item`);
    const [rangePart, stepPart, extra] = part.split("/");
    if (extra !== undefined) throw new CronError(`${field}: "${part}" has two steps`);
    const step = stepPart === undefined ? 1 : parseValue(stepPart, null, 0, field);
    if (step < 1) throw new CronError(`${field}: step must be at least 1`);
    let lo: number;
    let hi: number;
    if (rangePart === "*") {
      lo = min;
      hi = max;
    } else if (rangePart!.includes("-")) {
      const [a, b] = rangePart!.split("-");
      lo = parseValue(a ?? "", names, nameOffset, field);
      hi = parseValue(b ?? "", names, nameOffset, field);
    } else {
      lo = parseValue(rangePart!, names, nameOffset, field);
      hi = stepPart === undefined ? lo : max;
    }
    if (lo < min || hi > max || lo > hi) throw new CronError(`${field}: "${part}" is outside ${min}-${max}`);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

export function parseCron(source: string): CronSchedule {
  const fields = source.trim().split(/\s+/);
  if (fields.length !== 5) throw new CronError(`a schedule has five fields (minute hour day month weekday), got ${fields.length}`);
  const [mi, ho, dom, mo, dow] = fields as [string, string, string, string, string];
  const daysOfWeek = parseField(dow, 0, 7, "day-of-week", DAYS, 0);
  if (daysOfWeek.has(7)) {
    daysOfWeek.delete(7);
    daysOfWeek.add(0);
  }
  return {
    source: fields.join(" "),
    minutes: parseField(mi, 0, 59, "minute"),
    hours: parseField(ho, 0, 23, "hour"),
    daysOfMonth: parseField(dom, 1, 31, "day-of-month"),
    months: parseField(mo, 1, 12, "month", MONTHS, 1),
    daysOfWeek,
    domRestricted: !dom.startsWith("*"),
    dowRestricted: !dow.startsWith("*"),
  };
}

function dayMatches(s: CronSchedule, d: Date): boolean {
  const dom = s.daysOfMonth.has(d.getUTCDate());
  const dow = s.daysOfWeek.has(d.getUTCDay());
  if (s.domRestricted && s.dowRestricted) return dom || dow;
  if (s.domRestricted) return dom;
  if (s.dowRestricted) return dow;
  return true;
}

/** The first tick strictly after `after` (UTC, whole minutes). Throws when none comes within five years. */
export function nextCronTick(s: CronSchedule, after: Date): Date {
  const t = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);
  const limit = after.getTime() + 5 * 366 * 86_400_000;
  while (t.getTime() <= limit) {
    if (!s.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(s, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!s.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!s.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return t;
  }
  throw new CronError(`"${s.source}" has no tick within five years`);
}

/** Every tick in (from, to], at most `max` (the latest ones are kept). */
export function cronTicksBetween(s: CronSchedule, from: Date, to: Date, max = Infinity): Date[] {
  const out: Date[] = [];
  let t = from;
  for (;;) {
    t = nextCronTick(s, t);
    if (t.getTime() > to.getTime()) break;
    out.push(t);
    if (out.length > max) out.shift();
  }
  return out;
}

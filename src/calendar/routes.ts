// Holidays: anyone can see the working calendar of a year; a system administrator loads the
// official yearly schedule (holidays and make-up working days), which replaces the defaults.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Clock } from '../app.js';
import { requireActor } from '../identity/auth-plugin.js';
import { isValidIsoDate } from '../lib/dates.js';
import { Forbidden, Invalid, NotFound } from '../lib/errors.js';
import type { CalendarService } from './schedules-store.js';

const NamedDate = Type.Object({ date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), name: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
const Schedule = Type.Object({ year: Type.Integer(), official: Type.Boolean(), holidays: Type.Array(NamedDate), workingDays: Type.Array(NamedDate) });
const YearParams = Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) });
const err = { 400: Type.Ref('ErrorResponse'), 401: Type.Ref('ErrorResponse'), 403: Type.Ref('ErrorResponse'), 404: Type.Ref('ErrorResponse') };

export const calendarRoutes: FastifyPluginAsyncTypebox<{ calendar: CalendarService; clock: Clock }> = async (app, { calendar, clock }) => {
  const tags = ['calendar'];

  app.get('/api/calendar/:year', { schema: { tags, summary: 'Holidays and make-up working days of a year (the official schedule if loaded, else the legal defaults)', params: YearParams, response: { 200: Schedule, ...err } } }, async (req) => {
    const official = (await calendar.listOfficial()).some((s) => s.year === req.params.year);
    const s = (await calendar.current()).scheduleFor(req.params.year);
    return { year: s.year, official, holidays: s.holidays, workingDays: s.workingDays };
  });

  const requireSystemAdmin = (req: Parameters<typeof requireActor>[0]) => {
    const actor = requireActor(req);
    if (!actor.grants.some((g) => g.role === 'system_admin')) throw new Forbidden('only a system administrator manages the official holiday schedule');
    return actor;
  };

  app.put('/api/admin/calendar/:year', { schema: { tags, summary: 'Load the official schedule of a year (replaces the defaults for that year)', params: YearParams, body: Type.Object({ holidays: Type.Array(NamedDate, { maxItems: 60 }), workingDays: Type.Array(NamedDate, { maxItems: 20 }) }, { additionalProperties: false }), response: { 200: Schedule, ...err } } }, async (req) => {
    const actor = requireSystemAdmin(req);
    const year = req.params.year;
    const check = (list: { date: string }[], field: string) =>
      list.forEach((d, i) => {
        if (!isValidIsoDate(d.date) || !d.date.startsWith(`${year}-`)) throw new Invalid(`${d.date} is not a date of ${year}`, `${field}.${i}.date`);
      });
    check(req.body.holidays, 'holidays');
    check(req.body.workingDays, 'workingDays');
    await calendar.putOfficial({ year, holidays: req.body.holidays, workingDays: req.body.workingDays }, actor.accountId, clock.now());
    return { year, official: true, holidays: req.body.holidays, workingDays: req.body.workingDays };
  });

  app.delete('/api/admin/calendar/:year', { schema: { tags, summary: 'Remove the official schedule of a year (back to the defaults)', params: YearParams, response: { 204: Type.Null(), ...err } } }, async (req, reply) => {
    requireSystemAdmin(req);
    if (!(await calendar.removeOfficial(req.params.year))) throw new NotFound(`no official schedule for ${req.params.year}`);
    return reply.status(204).send(null);
  });
};

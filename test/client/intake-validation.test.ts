/** Validation of the event and its data at the intake: every bad field named, nothing started. */
import { ValueError } from '@temporalio/common';
import { EVENT_TYPES } from '../../domain';
import { binaryHeaders, post, request, requested, signRaw, signed, useIntake, workflowId } from './intake-harness';

const intake = useIntake();

describe('intake validation', () => {
  test('a bad connection request answers 400 naming each field, and starts nothing', async () => {
    const bad = { ...request, alias: 'Bad Alias', remote: { environment: 'ece-b', deploymentId: 'xyz' } };
    const e = signed({ ...requested, data: bad });
    const reply = await post(intake.url, e.body, e.headers);
    expect(reply.status).toBe(400);
    const fields = reply.body.errors?.map((x) => x.field);
    expect(fields).toEqual(expect.arrayContaining(['data.alias', 'data.remote.deploymentId']));
    expect(intake.temporal.runs).toHaveLength(0);
  });

  test('an unknown event type answers 400 on the type field', async () => {
    const e = signed({ ...requested, type: 'com.example.other' });
    const reply = await post(intake.url, e.body, e.headers);
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.[0]?.field).toBe('type');
  });

  test('a structured event without id or source answers 400 naming them', async () => {
    const body = JSON.stringify({ specversion: '1.0', type: EVENT_TYPES.connectionRequested, data: request });
    const reply = await post(
      intake.url,
      body,
      signRaw('evt-1', body, { 'content-type': 'application/cloudevents+json' }),
    );
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.map((x) => x.field)).toEqual(expect.arrayContaining(['id', 'source']));
  });

  test('a plain JSON post that is no CloudEvent answers 400', async () => {
    const body = JSON.stringify(request);
    const reply = await post(intake.url, body, signRaw('evt-1', body, { 'content-type': 'application/json' }));
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.[0]?.message).toMatch(/no CloudEvent/);
  });

  test('an approval without a gate or with an unknown approver form answers 400', async () => {
    const e = signed({ type: EVENT_TYPES.approvalGranted, data: { workflowId, approver: 'not valid!' } });
    const reply = await post(intake.url, e.body, e.headers);
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.map((x) => x.field)).toEqual(expect.arrayContaining(['data.gate', 'data.approver']));
  });

  test('a denial without a reason answers 400', async () => {
    const e = signed({ type: EVENT_TYPES.approvalDenied, data: { workflowId, gate: 'proxy-ca', approver: 'ops' } });
    const reply = await post(intake.url, e.body, e.headers);
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.map((x) => x.field)).toContain('data.reason');
  });

  test('invalid JSON answers 400', async () => {
    const reply = await post(
      intake.url,
      '{not json',
      signRaw('evt-1', '{not json', { 'content-type': 'application/cloudevents+json' }),
    );
    expect(reply.status).toBe(400);
  });

  test('deeply nested data answers 400 with the reason, in both modes, and starts nothing', async () => {
    const deep = '['.repeat(5_000) + ']'.repeat(5_000); // within the body limit
    const data = { ...request, access: { search: [{ names: ['logs-*'], query: { bool: 'DEEP' } }] } };
    const structured = signed({ ...requested, data }).body.replace('"DEEP"', deep);
    const s = await post(
      intake.url,
      structured,
      signRaw('evt-1', structured, { 'content-type': 'application/cloudevents+json' }),
    );
    expect(s.status).toBe(400);
    expect(s.body.errors?.[0]).toMatchObject({ field: '(body)', message: 'is nested deeper than 64 levels' });
    const binary = JSON.stringify(data).replace('"DEEP"', deep);
    const b = await post(intake.url, binary, signRaw('evt-b', binary, binaryHeaders()));
    expect(b.status).toBe(400);
    expect(b.body.errors?.[0]).toMatchObject({ field: 'data', message: 'is nested deeper than 64 levels' });
    expect(intake.temporal.runs).toHaveLength(0);
  });

  test('data the Temporal data converter refuses answers 400, not 503', async () => {
    intake.temporal.failStarts = () => new ValueError('Unable to convert [object Object] to payload');
    const e = signed(requested);
    const reply = await post(intake.url, e.body, e.headers);
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.[0]).toMatchObject({
      field: 'data',
      message: expect.stringMatching(/cannot be converted/),
    });
  });
});

import { inject } from 'vitest';
import type { FuzzRequest } from './fuzz-arbitraries.ts';
import { hasOffMachineUrl, keepReceiversOnLoopback } from './loopback-receiver.ts';
import { routeKey } from './project-fixture.ts';

/** What came back, kept raw: a fuzzed route may answer anything, and the checks judge it. */
export interface Outcome {
  status: number;
  contentType: string;
  text: string;
  json?: any;
}

export type FindingKind = '5xx' | 'not problem+json' | 'problem shape' | 'leak' | 'partial write' | 'not json' | 'transport';

export interface Finding {
  kind: FindingKind;
  route: string;
  request: string;
  response: string;
}

const decoder = new TextDecoder();

/**
 * Sends a request to the local stack. A body that parses as JSON has every off-machine URL in it replaced by
 * `loopbackUrl` first: whatever the service accepts, nothing generated can make it deliver beyond this machine.
 */
export async function send(request: FuzzRequest, loopbackUrl: string): Promise<Outcome> {
  let body = request.body;
  if (body) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(decoder.decode(body));
    } catch {
      parsed = undefined; // not JSON, so the service cannot read a receiver out of it
    }
    // Outside the try: a body that cannot be checked is not sent.
    if (hasOffMachineUrl(parsed)) body = new TextEncoder().encode(JSON.stringify(keepReceiversOnLoopback(parsed, loopbackUrl).value));
  }
  const response = await fetch(`${inject('baseUrl')}${request.url}`, {
    method: request.method,
    headers: request.headers,
    ...(body ? { body } : {}),
    signal: AbortSignal.timeout(40_000),
  });
  const text = await response.text();
  const outcome: Outcome = { status: response.status, contentType: response.headers.get('content-type') ?? '', text };
  try {
    outcome.json = text ? JSON.parse(text) : undefined;
  } catch {
    // judged by the checks
  }
  return outcome;
}

/**
 * Names and traces that belong to the implementation: SDK error names (S3, DynamoDB, Step Functions, SQS), JS
 * error classes and stack frames, file paths. None may reach a client.
 */
const internals =
  /NoSuchKey|NoSuchBucket|ConditionalCheckFailed|TransactionCanceled|TransactionConflict|ValidationException|ResourceNotFoundException|ProvisionedThroughputExceeded|ThrottlingException|SerializationException|UnrecognizedClientException|ItemCollectionSizeLimit|ExecutionDoesNotExist|ExecutionAlreadyExists|StateMachineDoesNotExist|InvalidParameterValue|AccessDenied|\$metadata|\bat (?:async )?[\w$.<>]+ \(|\bat file:|file:\/\/|node_modules|\/work\/|\.ts:\d+|TypeError|ReferenceError|RangeError|Maximum call stack|Cannot read propert|is not a function|is not iterable|undefined is not/;

/** The text of the request, to tell an echo of what the client sent from a leak. */
export function describeRequest(request: FuzzRequest, max = 600): string {
  const headers = Object.entries(request.headers)
    .map(([name, value]) => `${name}: ${name === 'Authorization' ? value.replace(/(Bearer|Basic) (.{12}).+/, '$1 $2…') : value.length > 60 ? `${value.slice(0, 60)}…(${value.length})` : value}`)
    .join('; ');
  const body = request.body ? decoder.decode(request.body) : '';
  const shortBody = body.length > max ? `${body.slice(0, max)}…(${body.length} bytes)` : body;
  const url = request.url.length > max ? `${request.url.slice(0, max)}…(${request.url.length})` : request.url;
  return `${request.method} ${url} [${headers}] (varied: ${request.focus}; body ${request.bodyKind}; path ${request.pathKind}) ${shortBody}`;
}

export function describeOutcome(outcome: Outcome, max = 600): string {
  const text = outcome.text.length > max ? `${outcome.text.slice(0, max)}…` : outcome.text;
  return `${outcome.status} ${outcome.contentType} ${text}`;
}

/** A leak is an internal name in the answer that the request did not itself contain. */
export function leakIn(text: string, sent: string): string | undefined {
  const found = internals.exec(text)?.[0];
  return found && !sent.includes(found) ? found : undefined;
}

/** Every property one response must have, whatever was sent. */
export function check(request: FuzzRequest, outcome: Outcome): Finding[] {
  const findings: Finding[] = [];
  const route = routeKey(request.route);
  const add = (kind: FindingKind) => findings.push({ kind, route, request: describeRequest(request), response: describeOutcome(outcome) });
  const sent = `${decodeURIComponentSafe(request.url)} ${request.body ? decoder.decode(request.body) : ''} ${Object.values(request.headers).join(' ')}`;
  if (outcome.status >= 500) add('5xx');
  if (outcome.status >= 400) {
    if (!outcome.contentType.startsWith('application/problem+json')) add('not problem+json');
    else if (!problemShapeOk(outcome.status, outcome.json)) add('problem shape');
  } else if (outcome.status >= 200 && outcome.status < 300 && outcome.text && outcome.json === undefined && !isPublicPage(request, outcome)) {
    add('not json');
  }
  if (!isPublicPage(request, outcome) && leakIn(outcome.text, sent)) add('leak');
  return findings;
}

/**
 * The API reference page and its script (public routes answering HTML or JavaScript): fixed files, not JSON, and a
 * bundled script is full of words like `TypeError` that are no leak.
 */
function isPublicPage(request: FuzzRequest, outcome: Outcome): boolean {
  return !request.route.authorized && outcome.status === 200 && /^text\/(html|javascript)\b/.test(outcome.contentType);
}

function problemShapeOk(status: number, problem: any): boolean {
  if (!problem || typeof problem !== 'object' || problem.status !== status || typeof problem.title !== 'string' || !problem.title) return false;
  if (status !== 400) return true;
  return Array.isArray(problem.invalidParams) && problem.invalidParams.length > 0 && problem.invalidParams.every((p: any) => typeof p?.name === 'string' && typeof p?.reason === 'string');
}

function decodeURIComponentSafe(value: string): string {
  try {
    return `${value} ${decodeURIComponent(value)}`;
  } catch {
    return value;
  }
}

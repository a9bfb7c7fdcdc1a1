/**
 * rc.2 Review <-> seed Review (docs/bindings.md, "Review").
 *
 * - `ratings[]` <-> `overallRating` + `questions[]`: the first rating with `isOverall: true`
 *   (else the first rating) is the overall one; the others are questions, in order, with
 *   `questionId` `rating-<index>` when they have none. Method: stars <-> STAR, nps <-> NPS,
 *   binary <-> THUMBS_UP_DOWN, other/score <-> OTHER. A boolean value is stored as 1/0, a
 *   string as `answer` (the overall rating's also as its numeric `value`).
 * - What a seed rating cannot say (method `score`, a boolean or string value, an explicit or
 *   absent `isOverall`, the overall rating's position, a derived questionId) is kept in an
 *   `rc2` object on the seed rating, so the rc.2 view is rebuilt exactly.
 * - `id` <-> `reviewId`; `orderId`/`merchantId` <-> `subject.orderId`/`subject.merchantId`;
 *   `createdAt` <-> `reviewDate`; `source` (string) <-> `source.system`;
 *   `customerIdentifier` <-> `customer.identifier` with `customer.customerId` derived by
 *   the caller; `reviewType` is ORDER with an orderId, else MERCHANT_EXPERIENCE, and shown to
 *   rc.2 clients only when it differs from that.
 */
import { ContractError } from '../../errors.js';
import { isPlainObject, objectAt, put, rest, type JsonObject } from './json-object.js';

const styleOf: Record<string, string> = { stars: 'STAR', nps: 'NPS', binary: 'THUMBS_UP_DOWN', score: 'OTHER', other: 'OTHER' };
const methodOf: Record<string, string> = { STAR: 'stars', NPS: 'nps', THUMBS_UP_DOWN: 'binary', OTHER: 'other' };

/** Keys a seed rating entry gives a meaning of its own; every other key passes through. */
const SEED_RATING_KEYS = ['ratingStyle', 'value', 'answer', 'questionId', 'question', 'comment', 'rc2'];
const RC2_RATING_KEYS = ['method', 'value', 'isOverall', 'question', 'comment', 'questionId', 'answer'];

function ratingToSeed(rating: JsonObject, index: number, overall: boolean, pointer: string): JsonObject {
  const marks: JsonObject = {};
  const entry: JsonObject = {};
  if (!overall) entry.questionId = rating.questionId ?? `rating-${index}`;
  if (!overall && rating.questionId === undefined) marks.questionId = null;
  const method = rating.method;
  if (typeof method === 'string') entry.ratingStyle = styleOf[method] ?? 'OTHER';
  else if (overall) entry.ratingStyle = 'OTHER';
  if (method === 'score' || (overall && method === undefined)) marks.method = method ?? null;
  put(entry, 'question', rating.question);
  const value = rating.value;
  if (typeof value === 'number') entry.value = value;
  else if (typeof value === 'boolean') {
    entry.value = value ? 1 : 0;
    marks.valueType = 'boolean';
  } else if (typeof value === 'string') {
    // A question's text answer is the seed's `answer`; the overall score must stay a number.
    entry.answer = value;
    if (overall) {
      const numeric = value.trim() === '' ? Number.NaN : Number(value);
      if (Number.isFinite(numeric)) entry.value = numeric;
      marks.valueType = 'string';
    }
  }
  if (typeof value !== 'string') put(entry, 'answer', rating.answer);
  if (overall && typeof entry.value !== 'number')
    throw new ContractError('VALIDATION_ERROR', 'the overall rating needs a number, a boolean or a numeric string as its value', [
      `${pointer}/value: the overall rating (isOverall, else the first) must have a number, boolean or numeric-string value`,
    ]);
  put(entry, 'comment', rating.comment);
  if (overall && rating.isOverall !== true) marks.isOverall = rating.isOverall ?? null;
  if (!overall && rating.isOverall !== undefined) marks.isOverall = rating.isOverall;
  if (overall && index !== 0) marks.position = index;
  for (const [key, v] of Object.entries(rating)) if (!RC2_RATING_KEYS.includes(key)) entry[key] = v;
  if (Object.keys(marks).length > 0) entry.rc2 = marks;
  return entry;
}

function ratingFromSeed(entry: JsonObject, overall: boolean): JsonObject {
  const marks = objectAt(entry.rc2);
  const rating: JsonObject = {};
  if ('method' in marks) put(rating, 'method', marks.method ?? undefined);
  else put(rating, 'method', typeof entry.ratingStyle === 'string' ? (methodOf[entry.ratingStyle] ?? 'other') : undefined);
  let answerUsed = false;
  if (marks.valueType === 'boolean') rating.value = entry.value !== 0;
  else if (marks.valueType === 'string') {
    rating.value = entry.answer;
    answerUsed = true;
  } else if (entry.value !== undefined) rating.value = entry.value;
  else if (entry.answer !== undefined) {
    rating.value = entry.answer;
    answerUsed = true;
  }
  if ('isOverall' in marks) put(rating, 'isOverall', marks.isOverall ?? undefined);
  else if (overall) rating.isOverall = true;
  put(rating, 'question', entry.question);
  put(rating, 'comment', entry.comment);
  if (!overall && marks.questionId !== null) put(rating, 'questionId', entry.questionId);
  if (!answerUsed) put(rating, 'answer', entry.answer);
  for (const [key, v] of Object.entries(entry)) if (!SEED_RATING_KEYS.includes(key)) rating[key] = v;
  return rating;
}

/** rc.2 `ratings[]` -> seed `overallRating` and `questions`. */
export function ratingsToSeed(ratings: unknown[], pointer: string): { overallRating: JsonObject; questions: JsonObject[] } {
  const flagged = ratings.findIndex((r) => isPlainObject(r) && r.isOverall === true);
  const overallIndex = flagged === -1 ? 0 : flagged;
  const questions: JsonObject[] = [];
  let overallRating: JsonObject = {};
  ratings.forEach((r, i) => {
    if (i === overallIndex) overallRating = ratingToSeed(objectAt(r), i, true, `${pointer}/${i}`);
    else questions.push(ratingToSeed(objectAt(r), i, false, `${pointer}/${i}`));
  });
  return { overallRating, questions };
}

/** Seed `overallRating` and `questions` -> rc.2 `ratings[]`. */
export function ratingsFromSeed(overallRating: unknown, questions: unknown): JsonObject[] {
  const ratings = (Array.isArray(questions) ? questions : []).map((q) => ratingFromSeed(objectAt(q), false));
  if (isPlainObject(overallRating)) {
    const position = objectAt(overallRating.rc2).position;
    const at = typeof position === 'number' ? Math.min(position, ratings.length) : 0;
    ratings.splice(at, 0, ratingFromSeed(overallRating, true));
  }
  return ratings;
}

/**
 * An rc.2 Review as the seed's Review. `customerRef` becomes `customer.customerId`;
 * `receivedAt` is the reviewDate of a review sent without createdAt.
 */
export function reviewToSeed(review: JsonObject, options: { customerRef?: string; receivedAt: string; pointer: string }): JsonObject {
  const out: JsonObject = {};
  put(out, 'reviewId', review.id);
  out.reviewType = review.reviewType ?? (review.orderId === undefined ? 'MERCHANT_EXPERIENCE' : 'ORDER');
  for (const [key, value] of Object.entries(review)) {
    switch (key) {
      case 'id':
      case 'reviewType':
        break;
      case 'ratings': {
        const { overallRating, questions } = ratingsToSeed(Array.isArray(value) ? value : [], `${options.pointer}/ratings`);
        out.overallRating = overallRating;
        if (questions.length > 0) out.questions = questions;
        break;
      }
      case 'orderId':
      case 'merchantId':
      case 'subject': {
        if ('subject' in out) break;
        const subject = { ...objectAt(review.subject) };
        put(subject, 'orderId', review.orderId);
        put(subject, 'merchantId', review.merchantId);
        out.subject = subject;
        break;
      }
      case 'customerIdentifier':
      case 'customer': {
        if ('customer' in out) break;
        const customer: JsonObject = { ...objectAt(review.customer) };
        if (review.customerIdentifier !== undefined) {
          put(customer, 'customerId', options.customerRef);
          customer.identifier = review.customerIdentifier;
        }
        out.customer = customer;
        break;
      }
      case 'source':
      case 'sourceDetails': {
        if ('source' in out) break;
        const source = { ...objectAt(review.sourceDetails) };
        put(source, 'system', review.source);
        out.source = source;
        break;
      }
      case 'createdAt':
        out.reviewDate = value;
        break;
      default:
        out[key] = value;
    }
  }
  out.reviewDate ??= options.receivedAt;
  return out;
}

/** A stored seed Review as the rc.2 Review. */
export function reviewFromSeed(review: JsonObject): JsonObject {
  const out: JsonObject = {};
  const subject = objectAt(review.subject);
  const derivedType = subject.orderId === undefined ? 'MERCHANT_EXPERIENCE' : 'ORDER';
  for (const [key, value] of Object.entries(review)) {
    switch (key) {
      case 'reviewId':
        out.id = value;
        break;
      case 'reviewType':
        if (value !== derivedType) out.reviewType = value;
        break;
      case 'overallRating':
      case 'questions':
        if (!('ratings' in out)) out.ratings = ratingsFromSeed(review.overallRating, review.questions);
        break;
      case 'subject':
        if (!isPlainObject(value)) out.subject = value;
        else {
          put(out, 'merchantId', value.merchantId);
          put(out, 'orderId', value.orderId);
          put(out, 'subject', rest(value, ['merchantId', 'orderId']));
        }
        break;
      case 'customer':
        if (isPlainObject(value) && isPlainObject(value.identifier)) {
          out.customerIdentifier = value.identifier;
          put(out, 'customer', rest(value, ['identifier', 'customerId']));
        } else out.customer = value;
        break;
      case 'source':
        if (isPlainObject(value) && typeof value.system === 'string') {
          out.source = value.system;
          put(out, 'sourceDetails', rest(value, ['system']));
        } else out.sourceDetails = value;
        break;
      case 'reviewDate':
        out.createdAt = value;
        break;
      default:
        out[key] = value;
    }
  }
  return out;
}

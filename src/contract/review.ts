/**
 * Review, with the seed's "Review MVP Baseline" as the required core.
 *
 * Required: `reviewType`, `overallRating.ratingStyle`, `overallRating.value` (any number: the
 * seed sets no range, so none is invented) and `reviewDate` (RFC 3339 with offset). The
 * seed's "optional detailed questions" travel as `questions` (docs/contract.md §3).
 */
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Key, KeyRef, StringEnum } from './schema-helpers.js';

export const reviewTypes = ['ORDER', 'MERCHANT_EXPERIENCE', 'EVENT'] as const;
export const ratingStyles = ['STAR', 'THUMBS_UP_DOWN', 'NPS', 'OTHER'] as const;

export const ReviewQuestion = Type.Object(
  {
    questionId: Key({ description: 'Unique within the review.' }),
    question: Type.Optional(Type.String()),
    ratingStyle: Type.Optional(StringEnum(ratingStyles)),
    value: Type.Optional(Type.Number()),
    answer: Type.Optional(Type.String()),
    comment: Type.Optional(Type.String()),
  },
  { title: 'ReviewQuestion', description: 'One detailed answer of a review.' },
);

export const Review = Type.Object(
  {
    reviewId: Type.Optional(Key({ description: 'Review key; assigned from the content when absent, so a re-send never duplicates.' })),
    reviewType: StringEnum(reviewTypes, { description: 'Review context.' }),
    overallRating: Type.Object(
      {
        ratingStyle: StringEnum(ratingStyles),
        value: Type.Number({ description: 'Main score value.' }),
        comment: Type.Optional(Type.String()),
      },
      { description: 'Overall score.' },
    ),
    questions: Type.Optional(Type.Array(ReviewQuestion)),
    customer: Type.Optional(Type.Object({ customerId: Type.Optional(KeyRef()) }, { description: 'Optional customer reference.' })),
    subject: Type.Optional(Type.Object({ orderId: Type.Optional(KeyRef()), merchantId: Type.Optional(KeyRef()) }, { description: 'What was reviewed.' })),
    reviewDate: DateTime({ description: 'RFC 3339 timestamp.' }),
    source: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { title: 'Review', description: 'Review payload with overall rating and optional detailed questions.' },
);

export type Review = Static<typeof Review>;

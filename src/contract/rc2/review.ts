/**
 * The rc.2 Review with its list of ratings (committee 2.0.0-rc.2). `ReviewRating.value` is
 * one of number, boolean or string: the committee's `oneOf` also lists `integer`, which makes
 * every whole number match two branches (docs/bindings.md, defects); odc's document states the
 * evident intent with a type list.
 */
import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../schema-helpers.js';
import { DateTime, Identifier, Key, ListResponse, UpsertRequest } from './common.js';

export const ratingMethods = ['stars', 'nps', 'binary', 'score', 'other'] as const;

export const RatingMethod = StringEnum(ratingMethods, { title: 'RatingMethod', description: 'Rating methodology.' });

export const ReviewRating = Type.Object(
  {
    method: Type.Optional(RatingMethod),
    value: Type.Optional(
      Type.Unsafe<number | boolean | string>({ type: ['number', 'boolean', 'string'], description: 'Rating value in the form of its method.' }),
    ),
    scaleMin: Type.Optional(Type.Number({ description: 'e.g. 1 for 1-5 stars, 0 for NPS.' })),
    scaleMax: Type.Optional(Type.Number({ description: 'e.g. 5 for 1-5 stars, 10 for NPS.' })),
    isOverall: Type.Optional(Type.Boolean({ description: 'Whether this is the overall score; without one, the first rating is.' })),
    category: Type.Optional(Type.String({ description: 'Rated category, e.g. delivery, food_quality.' })),
    question: Type.Optional(Type.String()),
    comment: Type.Optional(Type.String()),
  },
  { title: 'ReviewRating', description: 'One rating of a review.' },
);

export const Review = Type.Object(
  {
    id: Type.Optional(Key({ description: 'Review key; derived from the content when absent, so a re-send never duplicates.' })),
    merchantId: Type.Optional(Key({ description: 'Draft in rc.2: the merchant reviewed.' })),
    customerIdentifier: Type.Optional(Identifier),
    orderId: Type.Optional(Key({ description: 'The order reviewed, when applicable.' })),
    source: Type.Optional(Type.String({ description: 'System or channel of origin, e.g. app, crm, totem.' })),
    ratings: Type.Array(ReviewRating, {
      minItems: 1,
      maxItems: 100,
      description: 'Ratings of the review; odc needs at least one, with a numeric, boolean or numeric-string value for the overall one.',
    }),
    comment: Type.Optional(Type.String({ description: 'General comment.' })),
    createdAt: Type.Optional(DateTime({ description: 'Creation time; the server sets its own when absent.' })),
  },
  { title: 'Review', description: 'Review of an order or experience.' },
);

export const ReviewUpsertRequest = UpsertRequest('ReviewUpsertRequest', Review, 'Reviews');
export const ReviewListResponse = ListResponse('ReviewListResponse', Review, 'Reviews');

export type Rc2Review = Static<typeof Review>;
export type Rc2ReviewRating = Static<typeof ReviewRating>;

// Table types of the feedback module (ratings, complaints and suggestions): migration 0005.
export interface FeedbackTables {}

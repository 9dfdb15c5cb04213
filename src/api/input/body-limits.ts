/**
 * The largest JSON body the API reads. Our longest fields hold 20,000 characters; written as
 * JSON escapes (`\u00e9`, six bytes each) that is 120 KB, so Express's 100 KB default would refuse
 * honest text. Larger is a 413.
 */
export const JSON_BODY_LIMIT_BYTES = 256 * 1024;

import { applyDecorators } from '@nestjs/common';
import { IsInt, Max, Min } from 'class-validator';

/**
 * Bounds for numbers clients send. JSON numbers are doubles: 1e308 passes IsInt, and 2^53+1
 * arrives as 2^53. Every count and amount has a realistic ceiling well inside the safe-integer
 * range, so arithmetic on it (sums, percentages, minor-unit conversion) stays exact.
 */
/** 100 billion minor units (a billion dollars): more than any refund, price or incident cost. */
export const MAX_MONEY_MINOR = 100_000_000_000;
/** A count of people or things: ten billion. */
export const MAX_COUNT = 10_000_000_000;
/** Minutes in ten years. */
export const MAX_MINUTES = 10 * 366 * 24 * 60;

/** An amount of money in minor units: whole, from `min` (0 or 1) up to MAX_MONEY_MINOR. */
export function IsMoneyMinor(min: 0 | 1 = 0): PropertyDecorator {
  return applyDecorators(IsInt(), Min(min), Max(MAX_MONEY_MINOR));
}

/** A whole count from 0 up to `max` (default MAX_COUNT). */
export function IsCount(max = MAX_COUNT): PropertyDecorator {
  return applyDecorators(IsInt(), Min(0), Max(max));
}

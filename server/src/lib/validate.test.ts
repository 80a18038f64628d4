import { BookingRequestSchema } from '@amtsraum/shared';
import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { parseInput } from './validate.js';

function errorsOf(value: unknown): NonNullable<AppError['errors']> {
  try {
    parseInput(BookingRequestSchema, value);
  } catch (error) {
    if (error instanceof AppError) return error.errors ?? [];
    throw error;
  }
  throw new Error('parsed');
}

describe('parseInput', () => {
  it('says of a field of the wrong kind only that, not the checks of the kind it should have been', () => {
    const services = errorsOf({ services: 'personalausweis' }).filter((error) => error.path === 'services');
    expect(services).toEqual([expect.objectContaining({ path: 'services' })]);
    expect(services).toHaveLength(1);
    const empty = errorsOf({ services: '' }).filter((error) => error.path === 'services');
    expect(empty).toHaveLength(1);
  });

  it('keeps every check of a field of the right kind', () => {
    const services = errorsOf({ services: ['a', 'b', 'c', 'd', 'e', 'f'] }).filter(
      (error) => error.path === 'services',
    );
    expect(services.length).toBeGreaterThan(0);
  });
});

export * from './locales.js';
export * from './slugs.js';
export * from './errors.js';
export * from './time-zone.js';
export * from './opening-hours.js';
export * from './directory.api.js';
export * from './visits.api.js';
export * from './live.api.js';

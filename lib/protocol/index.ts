export * from './errors';
export * from './events';
export * from './result';
export * from './roomId';
export * from './roomStatus';
export * from './schemas';
export * from './publications';
export * from './access';

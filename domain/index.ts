export * from './ids';

export * from './step-catalog';
export * from './connection-request';
export * from './approval-policy';
export * from './environment-config';
export * from './records';
export * from './activities';
export * from './failures';
export * from './progress-report';
export * from './events';
export * from './validation';
export * from './temporal-contract';
export * from './inventory';
export * from './drift';
export * from './lifecycle-request';
export * from './fan-out';
export * from './plans';

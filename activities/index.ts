/** Every activity factory and the interfaces of the dependencies the worker must provide. */
export * from './projection';
export * from './notifications';
export * from './intake';
export * from './detention';
export * from './ledger';
export * from './accountability';
export * from './screening';
export * from './indicators';
export * from './task-start';

export * from './local-s3';
export * from './mnist-files';
export * from './seed-public-dataset';
export * from './functions';
export * from './local-cloud';
export * from './sample-digits';
export * from './sagemaker';
export * from './post-while-writing';

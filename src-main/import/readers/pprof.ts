// pprof protobuf profiles (gzipped or not): kind 'profile', subtype the Go profile type.

import { profileLikeReader } from './profile-like-reader.js';

export const pprofReader = profileLikeReader('profile', (summary) => summary.profileType);

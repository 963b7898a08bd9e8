#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oplaeg::fuzzing::recommendation_file(data));

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oplaeg::fuzzing::config_file(data));

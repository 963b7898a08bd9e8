#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oplaeg::fuzzing::chapter_file(data));

//! `oplaeg server init`: the shared server, set up so the roles hold.

use std::path::Path;

use crate::error::Result;
use crate::store::{ServerSetup, init_server};

/// The `pre-receive` hook that runs `program` (an absolute path) on every
/// push. It judges the whole push at once; if the program cannot run, git
/// refuses the push (the hook fails closed).
pub fn hook_script(program: &Path) -> String {
    let quoted = program.display().to_string().replace('\'', r"'\''");
    format!(
        "#!/bin/sh\n\
         # oplaeg pre-receive hook (installed by `oplaeg server init`).\n\
         # git gives one line \"old new ref\" per ref on standard input; oplaeg\n\
         # judges the whole push against what this server already holds and\n\
         # refuses all of it when any rule is broken. If oplaeg cannot run,\n\
         # the push is refused too. Reasons are written in Danish.\n\
         exec '{quoted}' --repo \"$GIT_DIR\" --lang da verify --pre-receive\n"
    )
}

/// Creates the shared server's bare repository at `path` (or brings an
/// existing one up to date) with the hook running `program`.
pub fn server_init(path: &Path, program: &Path) -> Result<ServerSetup> {
    init_server(path, &hook_script(program))
}

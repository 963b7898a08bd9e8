//! Embeds the sample oplæg (drafts/, recommendations/, priority.toml) and the
//! demo's script (demo/) in the binary, so `oplaeg demo` works from any folder.

use std::fmt::Write as _;
use std::path::Path;

fn collect(root: &Path, rel: &str, out: &mut Vec<String>) {
    let dir = root.join(rel);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    for name in names {
        let path = format!("{rel}/{name}");
        if root.join(&path).is_dir() {
            collect(root, &path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&root);
    let mut files = Vec::new();
    for dir in ["drafts", "recommendations", "demo"] {
        println!("cargo:rerun-if-changed={dir}");
        collect(root, dir, &mut files);
    }
    println!("cargo:rerun-if-changed=priority.toml");
    files.push("priority.toml".to_string());
    let mut code = String::from(
        "/// Files embedded from the source tree: (path, content).\npub static FILES: &[(&str, &[u8])] = &[\n",
    );
    for f in &files {
        println!("cargo:rerun-if-changed={f}");
        let abs = root.join(f);
        writeln!(
            code,
            "    ({f:?}, include_bytes!({:?})),",
            abs.display().to_string()
        )
        .expect("writing to a String cannot fail");
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}

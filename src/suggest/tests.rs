use super::source::{ApplyError, replace_span};
use crate::text::searchable_text;

/// Replaces `quote` (which must occur once in the chapter's text).
fn replace(md: &str, quote: &str, new: &str) -> Result<String, ApplyError> {
    let text = searchable_text(md);
    let at = text.find(quote).expect("quote in text");
    replace_span(md, at..at + quote.len(), new)
}

#[test]
fn plain_words_are_replaced_in_place() {
    let md = "# Titel\n\nKommunerne skal tilbyde rehabilitering.\nDet er vigtigt.\n";
    assert_eq!(
        replace(md, "skal tilbyde", "bør tilbyde").unwrap(),
        "# Titel\n\nKommunerne bør tilbyde rehabilitering.\nDet er vigtigt.\n"
    );
    // Across a line break inside the paragraph.
    assert_eq!(
        replace(md, "rehabilitering. Det er", "rehabilitering. Dette er").unwrap(),
        "# Titel\n\nKommunerne skal tilbyde rehabilitering.\nDette er vigtigt.\n"
    );
}

#[test]
fn emphasis_and_links_survive() {
    let md = "# T\n\nFørste *vigtige* sætning står [her](https://sst.dk) nu.\n";
    // Emphasis on a kept word, a new word beside it.
    assert_eq!(
        replace(md, "vigtige sætning", "vigtige nye sætning").unwrap(),
        "# T\n\nFørste *vigtige* nye sætning står [her](https://sst.dk) nu.\n"
    );
    // The emphasised word itself replaced: the emphasis moves to the new word.
    assert_eq!(
        replace(md, "vigtige", "afgørende").unwrap(),
        "# T\n\nFørste *afgørende* sætning står [her](https://sst.dk) nu.\n"
    );
    // Two words for two: each takes the other's place and markup.
    assert_eq!(
        replace(md, "står her", "findes dér").unwrap(),
        "# T\n\nFørste *vigtige* sætning findes [dér](https://sst.dk) nu.\n"
    );
    // A deleted emphasised word leaves no empty `**`.
    assert_eq!(
        replace(md, "vigtige", "").unwrap(),
        "# T\n\nFørste sætning står [her](https://sst.dk) nu.\n"
    );
    // A deleted link goes whole.
    assert_eq!(
        replace(md, "her", "").unwrap(),
        "# T\n\nFørste *vigtige* sætning står nu.\n"
    );
    // Many words into one: the markup in between is kept around it.
    assert_eq!(
        replace(md, "vigtige sætning", "ny").unwrap(),
        "# T\n\nFørste *ny* står [her](https://sst.dk) nu.\n"
    );
}

#[test]
fn list_markers_and_headings_survive() {
    let md = "# T\n\n## Afsnit\n\n- punkt ét\n- punkt **to**\n- punkt tre\n";
    assert_eq!(
        replace(md, "ét punkt", "et punkt").unwrap(),
        "# T\n\n## Afsnit\n\n- punkt et\n- punkt **to**\n- punkt tre\n"
    );
    // A whole item deleted goes with its marker.
    let out = replace(md, "punkt to", "").unwrap();
    assert_eq!(searchable_text(&out), "T Afsnit punkt ét punkt tre");
    assert!(
        out.contains("- punkt ét\n") && out.contains("- punkt tre"),
        "{out}"
    );
    assert!(!out.contains("**"), "{out}");
    // A heading keeps its level.
    assert_eq!(
        replace(md, "Afsnit", "Nyt afsnit").unwrap(),
        "# T\n\n## Nyt afsnit\n\n- punkt ét\n- punkt **to**\n- punkt tre\n"
    );
    // Words over two items into one: both markers stay.
    let out = replace(md, "ét punkt", "X").unwrap();
    assert_eq!(searchable_text(&out), "T Afsnit punkt X to punkt tre");
    assert_eq!(out.matches("\n- ").count(), 3, "{out}");
}

#[test]
fn escapes_entities_and_code() {
    let md = "# T\n\nPris 5 \\* 3 &amp; `kode her` slut.\n";
    assert_eq!(searchable_text(md), "T Pris 5 * 3 & kode her slut.");
    assert_eq!(
        replace(md, "3 & kode", "4 & kode").unwrap(),
        "# T\n\nPris 5 \\* 4 &amp; `kode her` slut.\n"
    );
    let out = replace(md, "&", "og").unwrap();
    assert_eq!(searchable_text(&out), "T Pris 5 * 3 og kode her slut.");
}

#[test]
fn mid_word_quotes_and_insertions() {
    let md = "# T\n\nrehabilitering og palliation\n";
    assert_eq!(
        replace(md, "ering og pall", "ering eller pall").unwrap(),
        "# T\n\nrehabilitering eller palliation\n"
    );
    assert_eq!(
        replace(md, "og palliation", "og god palliation").unwrap(),
        "# T\n\nrehabilitering og god palliation\n"
    );
    assert_eq!(
        replace(md, "rehabilitering og", "tidlig rehabilitering og").unwrap(),
        "# T\n\ntidlig rehabilitering og palliation\n"
    );
}

#[test]
fn bad_spans_are_refused() {
    let md = "# T\n\nTekst her.\n";
    assert_eq!(replace_span(md, 0..0, "x"), Err(ApplyError::BadSpan));
    assert_eq!(replace_span(md, 3..999, "x"), Err(ApplyError::BadSpan));
}

#[test]
fn proposals_are_word_segments() {
    use crate::diff::Op;
    let segs = super::proposed_change("skal tilbyde alle", "bør tilbyde alle");
    assert!(
        segs.iter()
            .any(|s| s.op == Op::Delete && s.text.contains("skal"))
    );
    assert!(
        segs.iter()
            .any(|s| s.op == Op::Insert && s.text.contains("bør"))
    );
}

fn no_ws(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

proptest::proptest! {
    /// On unchanged text, a replacement changes exactly the quoted span:
    /// the text before and after it reads as it did, and every block keeps
    /// its kind (a deleted span may take blocks inside it along).
    #[test]
    fn replacing_changes_exactly_the_span(
        blocks in proptest::collection::vec(
            (0usize..4, proptest::collection::vec((0usize..6, 0usize..3), 1..6)),
            1..5,
        ),
        from in 0usize..1000,
        len in 1usize..6,
        new in proptest::collection::vec("[a-zæø]{1,6}", 0..4),
    ) {
        let words = ["alfa", "beta", "gamma", "delta", "epsilon", "zeta"];
        let mut md = String::from("# Titel\n\n");
        for (kind, ws) in &blocks {
            let line: Vec<String> = ws
                .iter()
                .map(|(w, mark)| match mark {
                    1 => format!("*{}*", words[*w]),
                    2 => format!("[{}](u)", words[*w]),
                    _ => words[*w].to_string(),
                })
                .collect();
            let line = line.join(" ");
            match kind {
                0 => md.push_str(&format!("{line}\n\n")),
                1 => md.push_str(&format!("- {line}\n\n")),
                2 => md.push_str(&format!("## {line}\n\n")),
                _ => md.push_str(&format!("{line}\nmere {line}\n\n")),
            }
        }
        let text = searchable_text(&md);
        // A span of whole words.
        let starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices(' ').map(|(i, _)| i + 1))
            .collect();
        let first = from % starts.len();
        let last = (first + len).min(starts.len());
        let start = starts[first];
        let end = if last == starts.len() { text.len() } else { starts[last] - 1 };
        let new = new.join(" ");
        let out = replace_span(&md, start..end, &new);
        proptest::prop_assert!(out.is_ok(), "{md:?} {start}..{end} {new:?}: {out:?}");
        let out = out.unwrap();
        let got = searchable_text(&out);
        let expected = format!("{}{}{}", &text[..start], new, &text[end..]);
        proptest::prop_assert_eq!(no_ws(&got), no_ws(&expected), "{}\n=>\n{}", md, out);
        // Every block not wholly inside the span keeps its kind and order
        // (blocks inside it may go, when all their words are replaced).
        let (_, old_blocks) = crate::text::searchable_blocks(&md);
        let kept: Vec<Option<u8>> = old_blocks
            .iter()
            .filter(|(r, _)| !(start <= r.start && r.end <= end))
            .map(|(_, h)| *h)
            .collect();
        let now: Vec<Option<u8>> = crate::text::searchable_blocks(&out).1.into_iter().map(|(_, h)| h).collect();
        let mut it = now.iter();
        proptest::prop_assert!(kept.iter().all(|k| it.any(|n| n == k)), "{}\n=>\n{}", md, out);
        proptest::prop_assert!(now.len() <= old_blocks.len());
    }
}

#[test]
fn more_markup_shapes() {
    // A quote block over two lines: the `> ` of the second line stays.
    let md = "# T\n\n> Citat fra\n> rapporten her.\n";
    assert_eq!(
        replace(md, "fra rapporten", "fra notatet").unwrap(),
        "# T\n\n> Citat fra\n> notatet her.\n"
    );
    // Nested strong and emphasis, a word inside both.
    let md = "# T\n\nDet er ***meget vigtigt*** nu.\n";
    assert_eq!(
        replace(md, "meget vigtigt", "helt afgørende").unwrap(),
        "# T\n\nDet er ***helt afgørende*** nu.\n"
    );
    // Emphasis inside a word.
    let md = "# T\n\nen vig*tige* sag\n";
    assert_eq!(
        replace(md, "vigtige sag", "vigtigste sag").unwrap(),
        "# T\n\nen vigtigste sag\n"
    );
    // Inline code and a hard break.
    let md = "# T\n\nKør `oplaeg diff` nu  \nog læs.\n";
    assert_eq!(
        replace(md, "nu og", "straks og").unwrap(),
        "# T\n\nKør `oplaeg diff` straks  \nog læs.\n"
    );
    // A list item's continuation line, indented.
    let md = "# T\n\n- første linje\n  anden linje\n- næste\n";
    assert_eq!(
        replace(md, "linje anden", "linje, anden").unwrap(),
        "# T\n\n- første linje,\n  anden linje\n- næste\n"
    );
    // An autolink keeps its brackets when its words stay.
    let md = "# T\n\nSe <https://sst.dk> for mere.\n";
    assert_eq!(
        replace(md, "for mere", "for detaljer").unwrap(),
        "# T\n\nSe <https://sst.dk> for detaljer.\n"
    );
}

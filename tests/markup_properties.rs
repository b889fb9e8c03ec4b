//! Web pages of any shape, built from the pieces that make markup hard
//! (tags cut short, entities without their `;`, a tag inside a caption,
//! a template's fields, multi-byte characters beside every boundary):
//! attribution reads each through its reading copy and never panics, and
//! every passage it proposes lies on the stored text's character
//! boundaries (`support/fuzz_bodies.rs`, the fuzz target's own check).

use proptest::prelude::*;

#[path = "support/fuzz_bodies.rs"]
mod bodies;

const PIECES: &[&str] = &[
    "<p>",
    "</p>",
    "<br>",
    "<br/>",
    "<div>",
    "</div>",
    "<img src=\"a>b.jpg\">",
    "<a href='x'>",
    "</a>",
    "<em>",
    "</em>",
    "<script>",
    "</script>",
    "<!-- c -->",
    "<figcaption>",
    "&quot;",
    "&#8220;",
    "&#8221;",
    "&amp;",
    "&#x1F600;",
    "&nbsp;",
    "&#241;",
    "&",
    ";",
    "<",
    ">",
    "é",
    "“",
    "”",
    "«",
    "»",
    " said ",
    " dijo que ",
    "Smith",
    "the minister",
    ".",
    ",",
    ":",
    "\n",
    "\n\n",
    "\t'intro' => 'Un abogado dice que no.',\n",
    "By Ann Lee",
    "Question:",
    "Lee:",
    "—",
    " ",
    "Editor’s note: ",
    "Read: ",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_page_is_read_without_panic_on_character_boundaries(
        picks in proptest::collection::vec(0usize..PIECES.len(), 0..120),
    ) {
        let page: String = picks.iter().map(|&k| PIECES[k]).collect();
        bodies::attribute(page.as_bytes());
    }
}

//! The fields of claims, speakers and sources, as the language names them:
//! one table (`fields!`) gives each its name, type, the tables that have
//! it and a line of help, which `.schema`, the checker, completion and
//! error messages all read.

use super::ast::Table;

/// The type of a field's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Compared as text.
    Text,
    /// Compared as a number.
    Number,
}

macro_rules! fields {
    ($( $variant:ident => $name:literal, $ty:ident, [$($table:ident),*], $doc:literal; )*) => {
        /// A field that conditions, `select` and `order by` can name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Field {
            $( #[doc = $doc] $variant, )*
        }

        impl Field {
            /// Every field.
            pub const ALL: &'static [Field] = &[$(Field::$variant),*];

            /// The name used in queries.
            pub fn name(self) -> &'static str {
                match self { $(Field::$variant => $name,)* }
            }

            /// The type of the field's values.
            pub fn field_type(self) -> FieldType {
                match self { $(Field::$variant => FieldType::$ty,)* }
            }

            /// Whether `table` has this field.
            pub fn in_table(self, table: Table) -> bool {
                match self { $(Field::$variant => [$(Table::$table),*].contains(&table),)* }
            }

            /// What the field holds, for `.schema` and the grammar.
            pub fn doc(self) -> &'static str {
                match self { $(Field::$variant => $doc,)* }
            }
        }
    };
}

fields! {
    Id => "id", Number, [Claims, Speakers], "the record's number (a source's id is text: see `source`)";
    Speaker => "speaker", Text, [Claims], "who made the claim; `=` matches any of their names";
    Source => "source", Text, [Claims, Sources], "the id of the source that holds the quote (of the source itself, in `sources`)";
    Origin => "origin", Text, [Claims], "the id of the source where the claim was first made";
    Quote => "quote", Text, [Claims], "the verbatim quote";
    Statement => "statement", Text, [Claims], "the claim in plain words";
    Confidence => "confidence", Number, [Claims], "0 to 1";
    Rationale => "rationale", Text, [Claims], "why that confidence";
    Tag => "tag", Text, [Claims], "any one of the claim's tags";
    Status => "status", Text, [Claims], "verified, unverified or broken";
    Line => "line", Number, [Claims], "the line of the source where the quote starts (null when it is not anchored)";
    Column => "column", Number, [Claims], "the column (in characters) where the quote starts";
    SpeakerId => "speaker_id", Number, [Claims], "the id of the claim's speaker";
    Key => "key", Text, [Claims], "the caller's own key for the claim, unique (null when it has none)";
    Attribution => "attribution", Text, [Claims], "whether the source credits the claim's speaker with the quote: confirmed, different speaker or not found (null when the quote is not anchored)";
    Credited => "credited", Text, [Claims], "whom the source credits with the quote, as it names them (null when no one)";
    Mode => "mode", Text, [Claims], "direct (the speaker's own words), indirect (a paraphrase) or mixed (a paraphrase with quoted words)";
    Name => "name", Text, [Speakers], "a speaker's name; `=` matches any alias";
    Alias => "alias", Text, [Speakers], "any one of a speaker's aliases";
    Description => "description", Text, [Speakers], "a speaker's role and affiliation";
    Claims => "claims", Number, [Speakers, Sources], "how many claims a speaker made, or quote a source";
    Title => "title", Text, [Sources], "a source's title";
    Author => "author", Text, [Sources], "a source's author";
    Publisher => "publisher", Text, [Sources], "a source's publisher";
    Date => "date", Text, [Sources], "a source's date as written, such as 2022-06";
    Kind => "kind", Text, [Sources], "article, book, testimony, statement, interview, report, post or other";
    Url => "url", Text, [Sources], "where the source can be read";
    TextBytes => "text_bytes", Number, [Sources], "the length of the text claimdb holds, in bytes (0 for none)";
    Sha256 => "sha256", Text, [Sources], "the sha256 of the text claimdb holds";
    OriginOf => "origin_of", Number, [Sources], "how many claims name the source as their origin";
}

impl Field {
    /// Looks a field of `table` up by name, case-insensitively (`tags` is
    /// accepted for `tag`, `aliases` for `alias`, and in `sources`, `id` for `source`).
    pub fn lookup(table: Table, name: &str) -> Option<Field> {
        let lower = name.to_ascii_lowercase();
        let lower = match lower.as_str() {
            "tags" => "tag",
            "aliases" => "alias",
            "id" if table == Table::Sources => "source",
            other => other,
        };
        Field::ALL
            .iter()
            .copied()
            .find(|f| f.name() == lower && f.in_table(table))
    }

    /// The fields of `table`, in documentation order.
    pub fn of(table: Table) -> Vec<Field> {
        Field::ALL
            .iter()
            .copied()
            .filter(|f| f.in_table(table))
            .collect()
    }

    /// The field's name in `table`, as its listing shows it: a source's
    /// own id is `id` (`source` is accepted too).
    pub fn name_in(self, table: Table) -> &'static str {
        match (table, self) {
            (Table::Sources, Field::Source) => "id",
            _ => self.name(),
        }
    }

    /// Whether the field may be absent.
    pub fn nullable(self) -> bool {
        matches!(
            self,
            Field::Origin
                | Field::Description
                | Field::Author
                | Field::Publisher
                | Field::Date
                | Field::Url
                | Field::Line
                | Field::Column
                | Field::Sha256
                | Field::Key
                | Field::Attribution
                | Field::Credited
                | Field::Mode
        )
    }

    /// Whether `=` compares the field's text case-insensitively (names).
    pub fn folds_case(self) -> bool {
        matches!(
            self,
            Field::Speaker
                | Field::Name
                | Field::Alias
                | Field::Tag
                | Field::Status
                | Field::Kind
                | Field::Attribution
                | Field::Mode
        )
    }
}

/// What a value given in `with` or `set` must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// Text in double quotes.
    Text,
    /// A number.
    Number,
    /// A list of strings, `("a", "b")` (one string is a list of one).
    TextList,
}

impl ValueKind {
    /// What the value must be, for an error message.
    pub fn expected(self) -> &'static str {
        match self {
            ValueKind::Text => "text in double quotes",
            ValueKind::Number => "a number",
            ValueKind::TextList => "a list of strings, as in (\"a\", \"b\")",
        }
    }
}

/// The statements that set fields by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteStatement {
    /// `add claim with ...`
    AddClaim,
    /// `update claims set ...`
    UpdateClaims,
    /// `add source "id" with ...`
    AddSource,
    /// `update sources set ...`: a source's record, not its text (that
    /// changes with `claimdb update-source`, which re-anchors the claims).
    UpdateSources,
    /// `update speakers set ...` (names change with `alias` and `merge speaker`).
    UpdateSpeakers,
}

macro_rules! settings {
    ($( $variant:ident => $name:literal, $kind:ident, [$($write:ident),*], $doc:literal; )*) => {
        /// A field that `with` or `set` gives a value: the one table of
        /// what each write accepts, read by the checker and by the typed
        /// values the writes are made of (`writes.rs`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Setting {
            $( #[doc = $doc] $variant, )*
        }

        impl Setting {
            /// Every settable field, in the order error messages list them.
            pub const ALL: &'static [Setting] = &[$(Setting::$variant),*];

            /// The name written before `=`.
            pub fn name(self) -> &'static str {
                match self { $(Setting::$variant => $name,)* }
            }

            /// What its value must be.
            pub fn kind(self) -> ValueKind {
                match self { $(Setting::$variant => ValueKind::$kind,)* }
            }

            /// Whether `write` accepts it.
            pub fn in_write(self, write: WriteStatement) -> bool {
                match self { $(Setting::$variant => [$(WriteStatement::$write),*].contains(&write),)* }
            }

            /// What it holds.
            pub fn doc(self) -> &'static str {
                match self { $(Setting::$variant => $doc,)* }
            }
        }
    };
}

settings! {
    Speaker => "speaker", Text, [AddClaim], "who made the claim, by any of their names";
    Source => "source", Text, [AddClaim], "the id of the source that holds the quote";
    Origin => "origin", Text, [AddClaim, UpdateClaims], "the id of the source where the claim was first made";
    Quote => "quote", Text, [AddClaim, UpdateClaims], "the verbatim quote (checked against the source)";
    Statement => "statement", Text, [AddClaim, UpdateClaims], "the claim in plain words";
    Confidence => "confidence", Number, [AddClaim, UpdateClaims], "0 to 1";
    Rationale => "rationale", Text, [AddClaim, UpdateClaims], "why that confidence";
    Tags => "tags", TextList, [AddClaim, UpdateClaims], "the claim's tags";
    Key => "key", Text, [AddClaim], "the caller's own key for the claim, unique among claims";
    Prefix => "prefix", Text, [AddClaim], "words just before the quote, to choose one of its occurrences";
    Suffix => "suffix", Text, [AddClaim], "words just after the quote, to choose one of its occurrences";
    Position => "position", Number, [AddClaim], "the byte offset near which the quote's occurrence starts";
    Title => "title", Text, [AddSource, UpdateSources], "a source's title";
    Author => "author", Text, [AddSource, UpdateSources], "a source's author";
    Publisher => "publisher", Text, [AddSource, UpdateSources], "a source's publisher";
    Date => "date", Text, [AddSource, UpdateSources], "a source's date as written, such as 2022-06";
    Kind => "kind", Text, [AddSource, UpdateSources], "article, book, testimony, statement, interview, report, post or other";
    Url => "url", Text, [AddSource, UpdateSources], "where the source can be read";
    Notes => "notes", Text, [AddSource, UpdateSources], "notes on the source";
    Text => "text", Text, [AddSource], "the source's text, inline";
    TextFile => "text_file", Text, [AddSource], "a file holding the source's text";
    Description => "description", Text, [UpdateSpeakers], "a speaker's role and affiliation";
}

impl Setting {
    /// The settable field called `name` in `write`, if there is one.
    pub fn lookup(write: WriteStatement, name: &str) -> Option<Setting> {
        Setting::of(write).find(|s| s.name() == name)
    }

    /// The fields `write` accepts, in table order.
    pub fn of(write: WriteStatement) -> impl Iterator<Item = Setting> {
        Setting::ALL
            .iter()
            .copied()
            .filter(move |s| s.in_write(write))
    }
}

//! The readings of a whole document, after each sentence's own: "the
//! threat" followed back to whoever issued it, a quotation standing alone
//! given to the speaker just before it, reported speech carried on into a
//! sentence that continues it, "he" and "Moriuchi" followed back to the
//! person first introduced in full, and what is left: the author's prose.

use std::ops::Range;

use super::quotes::Quotation;
use super::{clauses, lexicon, mentions, speech, text, Analysis, Mention, Mode, Rule, Speech};

impl Analysis<'_> {
    /// "the threat stated", "That chilling threat": the issuer of the
    /// thing said, from a clause where someone issued, made or posted it.
    pub(super) fn name_speech_nouns(&mut self, issuers: &[(String, Mention)]) {
        for s in &mut self.speeches {
            if s.speaker.proper {
                continue;
            }
            let noun = mentions::surname(&s.speaker.name).to_lowercase();
            if !lexicon::is(lexicon::SPEECH_NOUNS, &noun) {
                continue;
            }
            let nearest = issuers
                .iter()
                .filter(|(n, _)| *n == noun)
                .min_by_key(|(_, m)| m.range.start.abs_diff(s.cue.start));
            if let Some((_, issuer)) = nearest {
                s.speaker = issuer.clone();
            }
        }
    }

    /// Every "SUBJECT issued a … NOUN" of the document: the noun and the subject.
    pub(super) fn issuers(&self) -> Vec<(String, Mention)> {
        let mut out = Vec::new();
        for s in &self.doc.sentences {
            let t = &s.tokens;
            for (v, tok) in t.iter().enumerate() {
                if !lexicon::is(lexicon::ISSUING_VERBS, &tok.lower) {
                    continue;
                }
                let noun = t[v + 1..]
                    .iter()
                    .take(4)
                    .find(|x| lexicon::is(lexicon::SPEECH_NOUNS, &x.lower));
                if let (Some(noun), Some((m, _))) =
                    (noun, mentions::subject_before(self.doc.text, t, v))
                {
                    out.push((noun.lower.to_string(), m));
                }
            }
        }
        out
    }

    /// A quotation that stands alone, with no verb of saying beside it: its
    /// speaker is the one who spoke (or was introduced) just before it, or
    /// the issuer of "that threat" in the sentence right after it.
    pub(super) fn standalone_quotations(
        &mut self,
        stances: &[(usize, Mention)],
        issuers: &[(String, Mention)],
    ) {
        let covered = |speeches: &[Speech], q: &Quotation| {
            speeches.iter().any(|s| {
                s.parts
                    .iter()
                    .any(|p| p.start < q.inner.end && q.inner.start < p.end)
            })
        };
        let mut found = Vec::new();
        for (qi, q) in self.quotes.iter().enumerate() {
            if q.continued || covered(&self.speeches, q) {
                continue;
            }
            let Some(si) = self.doc.sentence_at(q.outer.start) else {
                continue;
            };
            let sentence = &self.doc.sentences[si];
            // It must be the sentence, not a phrase within one.
            let starts_sentence = sentence.range.start == q.outer.start;
            if !starts_sentence || (q.inner.end - q.inner.start) < 12 {
                continue;
            }
            let mut parts = vec![q.inner.clone()];
            let mut k = qi;
            while self.quotes[k].open_ended && self.quotes.get(k + 1).is_some_and(|n| n.continued) {
                k += 1;
                parts.push(self.quotes[k].inner.clone());
            }
            // The speaker just before, with the words that made them one
            // ("He also warned that"), or the one introduced there.
            let previous = si.checked_sub(1).and_then(|p| {
                let prev = &self.doc.sentences[p];
                let near = prev.paragraph + 1 >= sentence.paragraph;
                let spoke = self
                    .speeches
                    .iter()
                    .rev()
                    .find(|s| s.sentence == p)
                    .map(|s| (s.speaker.clone(), s.cue.clone()));
                let introduced = stances
                    .iter()
                    .find(|(i, _)| *i == p)
                    .map(|(_, m)| (m.clone(), m.range.clone()));
                near.then_some(spoke.or(introduced)).flatten()
            });
            // "That chilling threat" right after it: whoever issued the threat.
            let named_after = self.doc.sentences.get(si + 1).and_then(|next| {
                let (m, _) = clauses::sentence_subject(self.doc.text, &next.tokens)?;
                let noun = mentions::surname(&m.name).to_lowercase();
                if next.paragraph != sentence.paragraph
                    || !lexicon::is(lexicon::SPEECH_NOUNS, &noun)
                {
                    return None;
                }
                issuers
                    .iter()
                    .find(|(n, _)| *n == noun)
                    .map(|(_, issuer)| (issuer.clone(), m.range.clone()))
            });
            let ((speaker, cue), rule) = match (previous, named_after) {
                (Some(found), _) => (found, Rule::Continued),
                (None, Some(found)) => (found, Rule::SpeechNoun),
                _ => continue,
            };
            found.push(Speech {
                speaker,
                cue,
                parts,
                mode: Mode::Direct,
                rule,
                verb: None,
                sentence: si,
                detached: true,
            });
        }
        self.speeches.extend(found);
    }

    /// A sentence that carries the reported speech before it on: it opens
    /// with "Instead", "Moreover", "For example"…, or its subject "then"
    /// acts, right after a sentence of reported speech in its paragraph.
    pub(super) fn continuations(&mut self) {
        let mut found: Vec<Speech> = Vec::new();
        let (has, _) = self.spoken(&self.speeches);
        // The speeches of each sentence, by index.
        let mut of_sentence: Vec<Vec<usize>> = vec![Vec::new(); self.doc.sentences.len()];
        for (k, x) in self.speeches.iter().enumerate() {
            of_sentence[x.sentence].push(k);
        }
        for (si, s) in self.doc.sentences.iter().enumerate() {
            if si == 0 || has[si] {
                continue;
            }
            let prev = &self.doc.sentences[si - 1];
            if prev.paragraph != s.paragraph {
                continue;
            }
            let reported = |x: &&Speech| x.mode != Mode::Direct && x.rule != Rule::Finding;
            let before = found.last().filter(|x| x.sentence == si - 1).or_else(|| {
                of_sentence[si - 1]
                    .iter()
                    .rev()
                    .map(|&k| &self.speeches[k])
                    .find(reported)
            });
            let Some(before) = before.filter(reported) else {
                continue;
            };
            let words: Vec<&str> = s.tokens.iter().take(4).map(|t| t.lower.as_ref()).collect();
            let opener = (1..=3).any(|n| {
                words.len() >= n && lexicon::is(lexicon::CONTINUERS, &words[..n].join(" "))
            });
            let then = s.tokens.iter().take(6).skip(1).any(|t| t.lower == "then");
            if !(opener || then) {
                continue;
            }
            let end = s
                .tokens
                .iter()
                .rposition(|t| t.word || text::is_closer(&t.lower))
                .unwrap_or(0);
            let parts = std::iter::once(s.range.start..s.tokens[end].range.end).collect::<Vec<_>>();
            let mode = speech::mode_of(&parts, &self.quotes, Rule::Continued);
            found.push(Speech {
                speaker: before.speaker.clone(),
                cue: s.tokens[0].range.clone(),
                parts,
                mode,
                rule: Rule::Continued,
                verb: None,
                sentence: si,
                detached: false,
            });
        }
        self.speeches.extend(found);
    }

    /// For each sentence: whether a speech was found in it, and whether
    /// any speech's words overlap it. One pass over the speeches.
    pub(super) fn spoken(&self, speeches: &[Speech]) -> (Vec<bool>, Vec<bool>) {
        let n = self.doc.sentences.len();
        let (mut has, mut overlapped) = (vec![false; n], vec![false; n]);
        for s in speeches {
            if let Some(h) = has.get_mut(s.sentence) {
                *h = true;
            }
            for p in &s.parts {
                let first = self
                    .doc
                    .sentences
                    .partition_point(|x| x.range.end <= p.start);
                for (sentence, mark) in self.doc.sentences[first..]
                    .iter()
                    .zip(&mut overlapped[first..])
                {
                    if sentence.range.start >= p.end {
                        break;
                    }
                    *mark = true;
                }
            }
        }
        (has, overlapped)
    }

    /// Finds the pieces' headlines and bylines ([`super::pieces`]).
    pub(super) fn find_pieces(&mut self) {
        for (i, p) in self.doc.paragraphs.iter().enumerate() {
            let text = self.doc.slice(p);
            if let Some(writer) = super::pieces::byline(text) {
                self.bylines.push((i, writer));
            } else if super::pieces::headline(text) {
                self.headlines.push(i);
            }
        }
    }

    /// The writer a byline credits with sentence `si`: the last byline
    /// before it with no headline between them.
    /// An editor's note is the publication's, not the byline writer's.
    pub fn writer_of(&self, si: usize) -> Option<&str> {
        let paragraph = self.doc.sentences[si].paragraph;
        if super::transcript::editorial_note(self.doc.slice(&self.doc.paragraphs[paragraph])) {
            return None;
        }
        let k = self.bylines.partition_point(|(p, _)| *p < paragraph);
        let (at, writer) = self.bylines.get(k.checked_sub(1)?)?;
        // Headlines are in order: the first after the byline.
        let next = self.headlines.partition_point(|&h| h <= *at);
        let headline_between = self.headlines.get(next).is_some_and(|&h| h < paragraph);
        (!headline_between).then_some(writer.as_str())
    }

    /// Sentences of the author's own prose: in a paragraph of running text
    /// (twelve words or more, ending in a stop, not a note in parentheses),
    /// outside every transcript turn, credited to no one else. A page may
    /// hold an interview between stories, and its lead before the first
    /// question.
    pub(super) fn author_prose(&self) -> (Vec<usize>, Vec<(usize, Range<usize>)>) {
        let mut in_turn = vec![false; self.doc.paragraphs.len()];
        for t in &self.turns {
            for &p in &t.paragraphs {
                in_turn[p] = true;
            }
        }
        let mut sentences_in = vec![0usize; self.doc.paragraphs.len()];
        let mut last_words = vec![0usize; self.doc.paragraphs.len()];
        for s in &self.doc.sentences {
            sentences_in[s.paragraph] += 1;
            last_words[s.paragraph] = s.tokens.iter().filter(|t| t.word).count();
        }
        let (has, overlapped) = self.spoken(&self.speeches);
        let mut running = vec![false; self.doc.paragraphs.len()];
        for (i, p) in self.doc.paragraphs.iter().enumerate() {
            let text = self.doc.slice(p);
            let words = text.split_whitespace().count();
            let stops = text
                .trim_end_matches(['”', '"', '’', '\'', '»', ')'])
                .ends_with(['.', '!', '?']);
            let note = text.starts_with('(') || text.starts_with('[');
            // Page furniture and lists: several short lines ("Sign up",
            // "Related Stories") rather than running sentences.
            let lines = text.lines().count();
            let listy = lines > 2 && words < lines * 8;
            // A paragraph whose last sentence lacks its stop ("… in 36
            // years") still runs on; one ending in a credit does not: "(AFP)",
            // or a caption's "… a Senior Executive Service position. NASA".
            let sentences = sentences_in[i];
            let unstopped =
                sentences > 1 && text.ends_with(char::is_alphanumeric) && last_words[i] > 3;
            running[i] = words >= 12 && (stops || unstopped) && !note && !listy && !in_turn[i];
        }
        let whole = (0..self.doc.sentences.len())
            .filter(|&si| {
                let s = &self.doc.sentences[si];
                running[s.paragraph]
                    && s.tokens.iter().filter(|t| t.word).count() >= 4
                    && !has[si]
                    && !overlapped[si]
            })
            .collect();
        (whole, self.leading_clauses(&running, &has))
    }

    /// The author's clause that opens a sentence before someone else is
    /// credited in it (or closes it, after ", but"): "Gowdy formó parte de la mayoría republicana en el
    /// Comité …, pero dijo …", "McCabe fue despedido tras hacer …, una
    /// filtración que McCabe dijo …". Eight words at least, so that an
    /// opening phrase ("In 2016,") stays with the speech.
    fn leading_clauses(&self, running: &[bool], has: &[bool]) -> Vec<(usize, Range<usize>)> {
        const CLAUSE_WORDS: usize = 8;
        let mut out = Vec::new();
        for (si, s) in self.doc.sentences.iter().enumerate() {
            if !running[s.paragraph] || !has[si] {
                continue;
            }
            // Speeches are in sentence order: this sentence's.
            let from = self.speeches.partition_point(|x| x.sentence < si);
            let first_credited = self.speeches[from..]
                .iter()
                .take_while(|x| x.sentence == si)
                .flat_map(|x| x.parts.iter().map(|p| p.start).chain([x.cue.start]))
                .filter(|&at| at >= s.range.start)
                .min();
            let Some(at) = first_credited else { continue };
            let mut lead: Vec<&super::text::Token> =
                s.tokens.iter().take_while(|t| t.range.end <= at).collect();
            // Without the marks and conjunction that join it to the rest.
            while lead.last().is_some_and(|t| {
                !t.word
                    || lexicon::is(
                        &["but", "and", "pero", "y", "mais", "et", "aber", "und"],
                        &t.lower,
                    )
            }) {
                lead.pop();
            }
            if lead.iter().filter(|t| t.word).count() >= CLAUSE_WORDS {
                let range = lead[0].range.start..lead[lead.len() - 1].range.end;
                // Not words a quotation already gives someone.
                let quoted = self
                    .speeches
                    .iter()
                    .flat_map(|x| &x.parts)
                    .any(|p| p.start < range.end && range.start < p.end);
                if !quoted {
                    out.push((si, range));
                }
            }
            // "Trump said he wants to answer questions, but no interview
            // has been set up": the writer's ", but" clause after a
            // paraphrase (see `speech::verb`).
            let last_credited = self.speeches[from..]
                .iter()
                .take_while(|x| x.sentence == si)
                .flat_map(|x| x.parts.iter().map(|p| p.end).chain([x.cue.end]))
                .max()
                .unwrap_or(s.range.end);
            let tail: Vec<&super::text::Token> = s
                .tokens
                .iter()
                .skip_while(|t| t.range.start < last_credited || !t.word)
                .collect();
            let words = tail.iter().filter(|t| t.word).count();
            if tail.first().is_some_and(|t| t.lower == "but") && words >= 4 {
                out.push((si, tail[0].range.start..tail[tail.len() - 1].range.end));
            }
        }
        out
    }
}

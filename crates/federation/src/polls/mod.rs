//! Polls as ActivityStreams `Question`s, in the shape Mastodon and PieFed read and write:
//! `oneOf`/`anyOf` options as `Note`s with `name` and `replies.totalItems`, `endTime`,
//! `closed` and `votersCount`. A discussion with a poll keeps `name`, `content` and
//! `audience`, so group software still sees a post. Votes are Mastodon's: a `Create{Note}`
//! with `name` = the option, `inReplyTo` = the question, addressed to its author.

pub mod question;
pub mod votes;

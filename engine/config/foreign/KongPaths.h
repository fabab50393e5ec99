#pragma once

#include <QString>

namespace portico {

// Route paths between Portico and Kong 3.x. Kong anchors a regex path ("~...") at the start of
// the path (its router prepends "^"), and its prefixes are plain string prefixes, not bounded by
// segments. Portico's forms (docs/routing.md): "/prefix", "=/exact", "~regex" (unanchored
// unless it says "^").
//
//   Portico            Kong
//   /users          -> /users               (Kong also matches /usersx)
//   =/users/me      -> ~/users/me$
//   ~^/x/[0-9]+$    -> ~/x/[0-9]+$
//   ~/v[0-9]+       -> ~.*(?:/v[0-9]+)      (unanchored: may match anywhere)
//
// Reading Kong back undoes each of these, so a round trip gives the same paths.
QString porticoToKongPath(const QString &path);
QString kongToPorticoPath(const QString &path);

// Why a Portico regex may not behave the same in Kong (whose router uses Rust's regex syntax:
// no look-around, back-references, atomic groups or possessive quantifiers), or empty.
QString kongRegexCaveat(const QString &porticoRegex);

} // namespace portico

#pragma once

#include "config/ConfigStore.h"

#include <QString>

namespace portico {

// What an editor says when the store did not take its edit for another reason than invalid
// fields: a change made elsewhere meanwhile (now `revision`; the user's values stay in the
// fields and `applyText` applies them over it), or the store's own refusal.
QString notAppliedNotice(const StoreResult &result, qint64 revision, QString applyText);

// What a page says when an action on its table (delete, reorder, ...) was not stored: a change
// made elsewhere meanwhile (the page has reloaded: `shown` names what now shows the current
// version, "page" or "table"), or the store's errors on one line.
QString pageActionNotice(const StoreResult &result, const QString &shown);

// The history's summary of an editor's change to one `kind` ("route", "service"): "route users
// added", "route users renamed to people", "route users updated" (`original` empty: added).
QString editSummary(const QString &kind, const QString &original, const QString &name);

} // namespace portico

#pragma once

#include "config/ConfigStore.h"

#include <QString>

namespace portico {

// What an editor says when the store did not take its edit for another reason than invalid
// fields: a change made elsewhere meanwhile (now `revision`; the user's values stay in the
// fields and `applyText` applies them over it), or the store's own refusal.
QString notAppliedNotice(const StoreResult &result, qint64 revision, QString applyText);

} // namespace portico

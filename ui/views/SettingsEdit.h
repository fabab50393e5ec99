#pragma once

#include "ControlRoom.h"

#include "config/Config.h"

#include <QString>

#include <functional>

class QLabel;

namespace portico {

class FieldErrors;

// Stores one change to the settings, made against `revision` (the one the form was loaded
// from): a change made elsewhere meanwhile is a conflict, said in `notice`; errors go under
// their fields. True when stored: the caller reloads its form.
bool storeSettingsEdit(ControlRoom room, const QString &summary, qint64 revision,
                       const std::function<void(SettingsConfig &)> &change, QLabel *notice,
                       FieldErrors &errors);

} // namespace portico

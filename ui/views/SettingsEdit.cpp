#include "SettingsEdit.h"

#include "views/FieldErrors.h"

#include "config/ConfigService.h"

#include <QLabel>

namespace portico {

bool storeSettingsEdit(ControlRoom room, const QString &summary, qint64 revision,
                       const std::function<void(SettingsConfig &)> &change, QLabel *notice,
                       FieldErrors &errors)
{
    const StoreResult result =
        room.config->edit(ConfigSource::Gui, summary, revision, [&](Config &c) {
            change(c.settings);
            return EditOutcome{};
        });
    if (result.status == StoreResult::Status::Conflict) {
        notice->setText(QObject::tr("Not applied: the settings were changed elsewhere "
                                    "meanwhile. Revert shows them."));
        return false;
    }
    if (!result.ok()) {
        errors.show(result.errors);
        return false;
    }
    return true;
}

} // namespace portico

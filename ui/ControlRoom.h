#pragma once

#include <QIcon>
#include <QString>

namespace portico {

class ConfigService;
class GatewayEngine;

// What every page of the desktop window works with. Both live on the GUI thread: the engine's
// signals reach pages queued, and the configuration service is the store every edit goes
// through (ConfigSource::Gui), so an edit is validated, stored and applied in one step.
struct ControlRoom
{
    GatewayEngine *engine = nullptr;
    ConfigService *config = nullptr;
    QString adminUrl; // "http://127.0.0.1:8081", empty when the Admin API is off
};

// An icon of resources/icons by name ("routes", "add"): SVG, so it stays sharp at any scale.
inline QIcon portIcon(const char *name)
{
    return QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(name)));
}

} // namespace portico

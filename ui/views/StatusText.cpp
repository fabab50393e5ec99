#include "StatusText.h"

#include <QObject>
#include <QRegularExpression>

namespace portico {

QString engineStateHtml(EngineState state)
{
    // Status colours are fixed: they read the same in light and dark themes.
    const auto dot = [](const char *color) {
        return QStringLiteral("<span style=\"color:%1\">&#9679;</span> ")
            .arg(QLatin1String(color));
    };
    switch (state) {
    case EngineState::Running: return dot("#2e9d4f") + QObject::tr("Running");
    case EngineState::Stopped: return dot("#888888") + QObject::tr("Stopped");
    case EngineState::Failed: return dot("#c0392b") + QObject::tr("Not running");
    }
    return {};
}

QString plainText(const QString &html)
{
    QString text = html;
    static const QRegularExpression tags(QStringLiteral("<[^>]*>"));
    text.remove(tags);
    text.replace(QStringLiteral("&nbsp;"), QStringLiteral(" "));
    text.remove(QStringLiteral("&#9679;"));
    text.replace(QStringLiteral("&lt;"), QStringLiteral("<"));
    text.replace(QStringLiteral("&gt;"), QStringLiteral(">"));
    text.replace(QStringLiteral("&amp;"), QStringLiteral("&"));
    return text.simplified();
}

} // namespace portico

#pragma once

#include <QByteArray>

#include <array>
#include <optional>

namespace portico {

// The windows a limit can count over. Second, minute and hour slide (the last 1, 60 or 3600
// seconds, whenever "now" is); day and month are calendar quotas that reset at midnight.
enum class RateWindow { Second, Minute, Hour, Day, Month };

constexpr std::array<RateWindow, 5> kRateWindows{RateWindow::Second, RateWindow::Minute,
                                                 RateWindow::Hour, RateWindow::Day,
                                                 RateWindow::Month};

constexpr bool isQuotaWindow(RateWindow window)
{
    return window == RateWindow::Day || window == RateWindow::Month;
}

// The length of a sliding window in microseconds (quota windows: 0, their length varies).
constexpr qint64 slidingWindowUs(RateWindow window)
{
    switch (window) {
    case RateWindow::Second: return 1'000'000;
    case RateWindow::Minute: return 60'000'000;
    case RateWindow::Hour: return 3'600'000'000;
    case RateWindow::Day:
    case RateWindow::Month: return 0;
    }
    return 0;
}

// The window's name in configuration, headers and the Admin API.
inline QByteArray rateWindowName(RateWindow window)
{
    switch (window) {
    case RateWindow::Second: return QByteArrayLiteral("second");
    case RateWindow::Minute: return QByteArrayLiteral("minute");
    case RateWindow::Hour: return QByteArrayLiteral("hour");
    case RateWindow::Day: return QByteArrayLiteral("day");
    case RateWindow::Month: return QByteArrayLiteral("month");
    }
    return {};
}

// The window of that name; nullopt for any other text.
inline std::optional<RateWindow> rateWindowNamed(QByteArrayView name)
{
    for (RateWindow window : kRateWindows) {
        if (rateWindowName(window) == name)
            return window;
    }
    return std::nullopt;
}

} // namespace portico

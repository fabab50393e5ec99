#pragma once

#include "ControlRoom.h"
#include "views/FieldErrors.h"

#include "config/Config.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QTimer;

namespace portico {


// The settings page: where the gateway and the Admin API listen, worker threads, the Admin
// API's token, where rate-limit counters live (this process or Redis, with a connection test)
// and which rate-limit fields answers carry. Edits are checked as they are typed; Apply stores
// them all in one change.
class SettingsPage : public QWidget
{
    Q_OBJECT
public:
    explicit SettingsPage(ControlRoom room, QWidget *parent = nullptr);

    // The settings as the fields say (the stored ones where no field covers them).
    SettingsConfig editedSettings() const;
    const FieldErrors *fieldErrors() const { return &m_errors; }
    // Checks the fields now instead of after the typing pause.
    void validateNow();
    bool apply();
    void revert();
    // Starts a connection test of the Redis URL; redisTestFinished tells the outcome.
    void testRedis();

Q_SIGNALS:
    void redisTestFinished(bool ok, const QString &message);

private:
    QWidget *buildGateway();
    QWidget *buildAdmin();
    QWidget *buildRateLimits();
    void load();
    void onEdited();
    void updateEnabled();

    ControlRoom m_room;
    FieldErrorLabel *m_general; // settings errors with no field of their own
    FieldErrors m_errors;
    QTimer *m_validateTimer;
    qint64 m_loadedRevision = 0;
    bool m_loading = false;
    bool m_valid = true;

    QLineEdit *m_listen = nullptr;
    QSpinBox *m_workers = nullptr;
    QCheckBox *m_adminEnabled = nullptr;
    QLineEdit *m_adminListen = nullptr;
    QLineEdit *m_adminToken = nullptr;
    QRadioButton *m_storeLocal = nullptr;
    QRadioButton *m_storeRedis = nullptr;
    QLineEdit *m_redisUrl = nullptr;
    QPushButton *m_testRedis = nullptr;
    QLabel *m_redisResult = nullptr;
    QComboBox *m_redisDown = nullptr;
    QSpinBox *m_redisTimeout = nullptr;
    QComboBox *m_headerStyle = nullptr;
    QComboBox *m_quotaTimezone = nullptr;
    QLabel *m_notice = nullptr;
    QPushButton *m_apply = nullptr;
    QPushButton *m_revert = nullptr;
    QString m_lastAdminListen; // brought back when the Admin API is turned on again
};

} // namespace portico

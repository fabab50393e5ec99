#pragma once

#include "ControlRoom.h"
#include "views/FieldErrors.h"

#include "config/Config.h"

#include <QGroupBox>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTimer;

namespace portico {

// The HTTPS settings beside the certificates they serve: the listen_tls address, redirecting
// plain HTTP there, HSTS and how early expiry is flagged. Checked as typed (after a short
// pause) by the same validation as every change, errors under their fields; Apply stores them
// in one change, like the Settings page, without overwriting a change made elsewhere.
class HttpsListenerPanel : public QGroupBox
{
    Q_OBJECT
public:
    explicit HttpsListenerPanel(ControlRoom room, QWidget *parent = nullptr);

    // The stored settings with this panel's fields as edited.
    SettingsConfig editedSettings() const;
    const FieldErrors *fieldErrors() const { return &m_errors; }
    void validateNow();
    bool apply();
    void revert();

private:
    void load();
    void storedChanged();
    void onEdited();
    void updateEnabled();

    ControlRoom m_room;
    FieldErrorLabel *m_general;
    FieldErrors m_errors;
    QTimer *m_validateTimer;
    qint64 m_loadedRevision = 0;
    SettingsConfig m_loaded; // as the fields were filled
    bool m_loading = false;
    bool m_valid = true;
    QLineEdit *m_listen;
    QCheckBox *m_redirect;
    QSpinBox *m_hsts;
    QSpinBox *m_warningDays;
    QLabel *m_notice;
    QPushButton *m_apply;
    QPushButton *m_revert;
};

} // namespace portico

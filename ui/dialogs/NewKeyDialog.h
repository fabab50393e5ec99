#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;

namespace portico {

// Shows a just-issued API key, the one time it can be shown: the store keeps only its hash.
// The key is in a read-only field, selected, with a Copy button and a clear warning.
class NewKeyDialog : public QDialog
{
    Q_OBJECT
public:
    // `note`: an extra line, e.g. how long a rotated key keeps working.
    NewKeyDialog(const QString &consumer, const QString &plaintext, const QString &note = {},
                 QWidget *parent = nullptr);

    QString key() const;
    // Copies the key to the clipboard (what the Copy button does).
    void copyKey();

private:
    QLineEdit *m_key;
    QPushButton *m_copy;
};

} // namespace portico

// Forms marked data-send-selv are sent at once (the logout at the identity provider); without
// JavaScript the person presses the form's own button.
document.querySelectorAll("form[data-send-selv]").forEach((formular) => formular.submit());
